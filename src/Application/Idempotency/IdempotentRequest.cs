namespace CrudCqrs.Application.Idempotency;

/// <summary>
/// A write that carries an <c>Idempotency-Key</c>. <see cref="Scope"/> is the caller (the token's
/// subject) or empty without authentication; <see cref="RequestHash"/> fingerprints method, target
/// and body; <see cref="Answer"/> turns the use case's result into the HTTP answer to store.
/// </summary>
public sealed record IdempotentRequest(
    string Scope,
    string Key,
    string RequestHash,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ExpiresAt,
    Func<object?, IdempotentAnswer> Answer);

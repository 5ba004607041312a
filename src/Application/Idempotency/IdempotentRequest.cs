namespace CrudCqrs.Application.Idempotency;

/// <summary>
/// A write that carries an <c>Idempotency-Key</c>. <see cref="Scope"/> is the caller (the token's
/// subject) or empty without authentication; <see cref="RequestHash"/> fingerprints method, target
/// and body; <see cref="Answer"/> turns the use case's result into the HTTP answer to store, and
/// <see cref="Result"/> reads a stored answer back as the use case's result, for a replay.
/// </summary>
public sealed record IdempotentRequest(
    string Scope,
    string Key,
    string RequestHash,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ExpiresAt,
    Func<object?, IdempotentAnswer> Answer)
{
    /// <summary>The header that carries the key; refusals about the key name it as their field.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>
    /// The use case's result as a stored answer describes it: what the mediator returns for a
    /// replay. Only whoever defined <see cref="Answer"/> knows the answer's format, so it gives this too.
    /// </summary>
    public Func<IdempotentAnswer, object?> Result { get; init; } = static _ =>
        throw new InvalidOperationException("This idempotent request does not say how a stored answer reads back as a result.");
}

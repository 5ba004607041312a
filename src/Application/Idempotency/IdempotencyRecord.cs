namespace CrudCqrs.Application.Idempotency;

/// <summary>A stored key: the fingerprint of the request that used it first, and the answer it got.</summary>
public sealed record IdempotencyRecord(string RequestHash, IdempotentAnswer Answer);

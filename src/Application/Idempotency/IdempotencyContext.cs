namespace CrudCqrs.Application.Idempotency;

/// <summary>
/// The idempotency key of the current request, if it has one (scoped per request). The store's
/// write transaction reads it to record the answer in the same commit as the write.
/// </summary>
public sealed class IdempotencyContext
{
    public IdempotentRequest? Current { get; set; }
}

namespace CrudCqrs.Application.Idempotency;

/// <summary>
/// The idempotency key of the current request, if it has one (scoped per request). The store's
/// write transaction reads it to record the answer in the same commit as the write; the pipeline
/// (<see cref="Behaviors.IdempotencyBehavior{TMessage, TResponse}"/>) reads it to look the key up.
/// </summary>
public sealed class IdempotencyContext
{
    public IdempotentRequest? Current { get; set; }

    /// <summary>
    /// The stored answer the pipeline gave instead of running the write; the API sends it exactly
    /// as stored. Null when the write ran (or the request has no key).
    /// </summary>
    public IdempotentAnswer? Replayed { get; set; }
}

namespace CrudCqrs.Application.Idempotency;

/// <summary>
/// A write that honours an <c>Idempotency-Key</c>: the pipeline looks the key up before it runs
/// (<see cref="Behaviors.IdempotencyBehavior{TMessage, TResponse}"/>) and the store records its
/// answer with its commit. Queries never carry one.
/// </summary>
public interface IIdempotentCommand;

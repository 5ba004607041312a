using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// <c>Idempotency-Key</c> inside the operation (ADR 010): for an <see cref="IIdempotentCommand"/>
/// whose request carries a key (<see cref="IdempotencyContext.Current"/>), looks the key up in the
/// store, so the lookup is in the operation's trace and duration. A stored answer for the same
/// request is replayed without running the write (<see cref="IdempotencyContext.Replayed"/>); one
/// for a different request is refused as invalid, naming the header. A new key goes on to the
/// write, whose commit records it; if another request committed the key first, that answer is replayed.
/// </summary>
public sealed class IdempotencyBehavior<TMessage, TResponse>(IdempotencyContext idempotency, IIdempotencyStore store, TimeProvider clock)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        message is IIdempotentCommand && idempotency.Current is { } request
            ? HandleKeyedAsync(message, request, next, cancellationToken)
            : next(message, cancellationToken);

    private async ValueTask<TResponse> HandleKeyedAsync(
        TMessage message, IdempotentRequest request, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(request.Scope, request.Key, request.ReceivedAt, cancellationToken) is { } stored)
        {
            return Replay(request, stored);
        }
        OperationFacts.SetIdempotencyOutcome(replayed: false);
        try
        {
            return await next(message, cancellationToken);
        }
        catch (IdempotencyKeyTakenException)
        {
            // Another request committed this key first and this write was rolled back: answer as a
            // repeat. Not found means the winner has not committed yet, which is a 409 like in-flight.
            if (await store.FindAsync(request.Scope, request.Key, clock.GetUtcNow(), cancellationToken) is { } winner)
            {
                return Replay(request, winner);
            }
            throw;
        }
    }

    private TResponse Replay(IdempotentRequest request, IdempotencyRecord stored)
    {
        if (stored.RequestHash != request.RequestHash)
        {
            throw new ValidationException([new ValidationFailure(IdempotentRequest.HeaderName,
                $"This {IdempotentRequest.HeaderName} was already used for a different request; use a new key.")]);
        }
        OperationFacts.SetIdempotencyOutcome(replayed: true);
        idempotency.Replayed = stored.Answer;
        return (TResponse)request.Result(stored.Answer)!;
    }
}

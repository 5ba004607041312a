using CrudCqrs.Application.Diagnostics;
using FluentValidation;
using Mediator;

namespace CrudCqrs.Application.Behaviors;

/// <summary>Innermost: runs the message's validators so invalid input never reaches a handler or the store.</summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    // Materialized once per behavior instance; most messages have one validator or none.
    private readonly IValidator<TMessage>[] _validators = validators as IValidator<TMessage>[] ?? validators.ToArray();

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (_validators.Length == 0)
        {
            return next(message, cancellationToken);
        }
        Validate(message);
        return next(message, cancellationToken);
    }

    private void Validate(TMessage message)
    {
        using var span = OperationFacts.StartStep("validation");
        List<FluentValidation.Results.ValidationFailure>? failures = null;
        foreach (var validator in _validators)
        {
            var result = validator.Validate(message);
            if (!result.IsValid)
            {
                (failures ??= []).AddRange(result.Errors);
            }
        }
        if (failures is not null)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "invalid input");
            throw new ValidationException(failures);
        }
    }
}

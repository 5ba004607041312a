using System.Diagnostics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// Outermost: opens the operation span and the <see cref="OperationScope"/> that the inner
/// behaviors and the handler report into, so every rejection below still has a span.
/// </summary>
public sealed class TracingBehavior<TMessage, TResponse>(CrudTelemetry telemetry, ICurrentCaller? caller = null, TelemetryPrivacy? privacy = null)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var operation = Operation<TMessage>.Descriptor;
        using var activity = telemetry.ActivitySource.StartActivity(operation.Name, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("operation.type", operation.Type);
            // The design's database type, outside the db.* namespace: tracing back ends (and the OpenTracing
            // conventions some still follow) take any span with db.* attributes for a database call.
            activity.SetTag("store.type", telemetry.DbType);
            TagMessage(activity, message, privacy ?? TelemetryPrivacy.Default);
            if (caller?.Subject is { } subject)
            {
                activity.SetTag("enduser.id", subject);
            }
        }
        OperationScope.Begin(operation, telemetry, activity);

        try
        {
            var response = await next(message, cancellationToken);
            activity?.SetStatus(ActivityStatusCode.Ok);
            return response;
        }
        catch (Exception exception)
        {
            if (activity is not null)
            {
                var errorType = ErrorTypes.Of(exception);
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, exception.Message);
                activity.AddException(exception);
            }
            throw;
        }
    }

    private static void TagMessage(Activity activity, TMessage message, TelemetryPrivacy privacy)
    {
        switch (message)
        {
            case Resources.DeleteResource.DeleteResourceCommand delete:
                activity.SetTag("cascade.enabled", delete.Cascade);
                break;
            case Resources.SearchResources.SearchResourcesQuery search:
                activity.SetTag("search.query.length", search.Text?.Length ?? 0);
                activity.SetTag("search.query.blank", string.IsNullOrWhiteSpace(search.Text));
                if (privacy.RecordSearchText)
                {
                    activity.SetTag("search.query", search.Text ?? "");
                }
                break;
        }
    }
}

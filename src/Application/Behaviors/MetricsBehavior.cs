using System.Diagnostics;
using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// Records duration, count and errors of every operation, rejected ones included (it sits
/// outside Validation so that invalid requests count toward error rates), and the size of
/// cascade deletes the handler reported.
/// </summary>
public sealed class MetricsBehavior<TMessage, TResponse>(CrudTelemetry telemetry) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var operationType = Operation<TMessage>.Descriptor.Type;
        try
        {
            var response = await next(message, cancellationToken);
            Record(operationType, started, errorType: null);
            RecordCascade();
            return response;
        }
        catch (Exception exception)
        {
            Record(operationType, started, ErrorTypes.Of(exception));
            throw;
        }
    }

    private void Record(string operationType, long started, string? errorType)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var tags = new TagList
        {
            { "operation.type", operationType },
            { "db.type", telemetry.DbType },
            { "status", errorType is null ? "success" : "error" },
        };
        telemetry.OperationDuration.Record(seconds, tags);
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }
        telemetry.OperationCount.Add(1, tags);
        if (errorType is not null)
        {
            var errorTags = new TagList
            {
                { "operation.type", operationType },
                { "db.type", telemetry.DbType },
                { "error.type", errorType },
            };
            telemetry.OperationErrors.Add(1, errorTags);
        }
    }

    private void RecordCascade()
    {
        if (OperationScope.Current is not { } scope)
        {
            return;
        }
        if (scope.Cascade && scope.DeletedCount is int deleted)
        {
            telemetry.CascadeDeleteCount.Record(deleted, new KeyValuePair<string, object?>("db.type", telemetry.DbType));
        }
    }
}

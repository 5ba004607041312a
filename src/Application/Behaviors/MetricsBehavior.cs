using System.Diagnostics;
using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// Records duration, count and errors of every operation, rejected ones included (it sits
/// outside Validation so that invalid requests count toward error rates), and the size of
/// cascade deletes the handler reported. A write answered from its <c>Idempotency-Key</c>'s
/// stored record counts with <c>status=replayed</c>: it was served, but nothing was written again.
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
            Record(operationType, started, errorType: null, replayed: OperationScope.Current?.Replayed == true);
            RecordCascade();
            return response;
        }
        catch (Exception exception)
        {
            Record(operationType, started, ErrorTypes.Of(exception), replayed: false);
            throw;
        }
    }

    private void Record(string operationType, long started, string? errorType, bool replayed)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var tags = new TagList
        {
            { "operation.type", operationType },
            { "db.type", telemetry.DbType },
            { "status", errorType is not null ? "error" : replayed ? "replayed" : "success" },
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

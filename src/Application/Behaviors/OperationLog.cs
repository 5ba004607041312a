using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// The operation lines. Each carries its fields in an <see cref="OperationLine"/>, so the message
/// is formatted once for both providers (NLog and OpenTelemetry each ask for it); defined by hand
/// rather than with <c>[LoggerMessage]</c> because the field names the design asks for
/// (<c>operation.type</c>, <c>duration_ms</c>) are not C# identifiers, and because the message
/// leaves out "on {resource.id}" when there is no resource to name.
/// </summary>
internal static class OperationLog
{
    public static readonly EventId StartedEvent = new(1000, "OperationStarted");
    public static readonly EventId CompletedEvent = new(1001, "OperationCompleted");
    public static readonly EventId RejectedEvent = new(1002, "OperationRejected");
    public static readonly EventId FailedEvent = new(1003, "OperationFailed");
    public static readonly EventId ReplayedEvent = new(1004, "OperationReplayed");

    private const string StartedTemplate = "Operation {operation.type} started on {db.type}";
    private const string CompletedWithIdTemplate = "Operation {operation.type} on {resource.id} ({db.type}) completed in {duration_ms} ms with {status}";
    private const string CompletedTemplate = "Operation {operation.type} ({db.type}) completed in {duration_ms} ms with {status}";
    private const string ReplayedTemplate = "Operation {operation.type} ({db.type}) replayed in {duration_ms} ms from its Idempotency-Key";

    public static void Started(ILogger logger, string operationType, string dbType) =>
        logger.Log(LogLevel.Information, StartedEvent,
            new OperationLine(StartedTemplate, [new("operation.type", operationType), new("db.type", dbType)],
                string.Concat("Operation ", operationType, " started on ", dbType)),
            null, OperationLine.Format);

    public static void Completed(ILogger logger, string operationType, string? resourceId, string dbType, double durationMs) =>
        logger.Log(LogLevel.Information, CompletedEvent,
            new OperationLine(resourceId is null ? CompletedTemplate : CompletedWithIdTemplate,
                [new("operation.type", operationType), new("resource.id", resourceId), new("db.type", dbType), new("duration_ms", durationMs), new("status", "success")],
                resourceId is null
                    ? string.Create(CultureInfo.InvariantCulture, $"Operation {operationType} ({dbType}) completed in {durationMs} ms with success")
                    : string.Create(CultureInfo.InvariantCulture, $"Operation {operationType} on {resourceId} ({dbType}) completed in {durationMs} ms with success")),
            null, OperationLine.Format);

    /// <summary>
    /// A write answered from its <c>Idempotency-Key</c>'s stored record: served, not run again, so
    /// not a completion (a replayed create created nothing). It names no resource: the write did not run.
    /// </summary>
    public static void Replayed(ILogger logger, string operationType, string dbType, double durationMs) =>
        logger.Log(LogLevel.Information, ReplayedEvent,
            new OperationLine(ReplayedTemplate,
                [new("operation.type", operationType), new("db.type", dbType), new("duration_ms", durationMs), new("status", "replayed")],
                string.Create(CultureInfo.InvariantCulture, $"Operation {operationType} ({dbType}) replayed in {durationMs} ms from its Idempotency-Key")),
            null, OperationLine.Format);

    /// <summary>A refusal: the client's mistake, an outcome like success; its message, never an exception.</summary>
    public static void Rejected(ILogger logger, LogLevel level, string operationType, OperationSubject subject, string dbType, double durationMs, string errorType, string errorMessage) =>
        logger.Log(level, RejectedEvent,
            new OperationLine(
                string.Concat("Operation {operation.type}", subject.TemplatePhrase, " ({db.type}) rejected after {duration_ms} ms with {status}: {error.type}: {error.message}"),
                [new("operation.type", operationType), new("resource.id", subject.ResourceId), new("db.type", dbType), new("duration_ms", durationMs), new("status", "error"),
                    new("error.type", errorType), new("error.message", errorMessage)],
                string.Create(CultureInfo.InvariantCulture, $"Operation {operationType}{subject.Phrase} ({dbType}) rejected after {durationMs} ms with error: {errorType}: {errorMessage}")),
            null, OperationLine.Format);

    /// <summary>A failure of the service: the exception with its stack trace goes with the line.</summary>
    public static void Failed(ILogger logger, string operationType, OperationSubject subject, string dbType, double durationMs, string errorType, Exception exception) =>
        logger.Log(LogLevel.Error, FailedEvent,
            new OperationLine(
                string.Concat("Operation {operation.type}", subject.TemplatePhrase, " ({db.type}) failed after {duration_ms} ms with {status}: {error.type}"),
                [new("operation.type", operationType), new("resource.id", subject.ResourceId), new("db.type", dbType), new("duration_ms", durationMs), new("status", "error"),
                    new("error.type", errorType)],
                string.Create(CultureInfo.InvariantCulture, $"Operation {operationType}{subject.Phrase} ({dbType}) failed after {durationMs} ms with error: {errorType}")),
            exception, OperationLine.Format);
}

using CrudCqrs.Application.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// Wraps an OTLP exporter so that a failed export is counted (<c>crud.telemetry.export.failures</c>
/// by signal) and logged at most once per <see cref="LogInterval"/> per signal, instead of
/// vanishing into the SDK's event source. An exporter that throws is treated as a failure: it
/// runs on the SDK's background thread and must never take the process down.
/// </summary>
public sealed class FailureReportingExporter<T>(BaseExporter<T> inner, string signal, string target, CrudTelemetry telemetry, ILogger logger)
    : BaseExporter<T>
    where T : class
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);

    private long _nextLogAt;
    private long _failuresSinceLog;

    // The SDK hands the provider (and with it the resource: service.name and the rest) only to
    // the exporter it was given, through an internal setter; the wrapped exporter needs it too.
    private static readonly System.Reflection.PropertyInfo? ParentProviderProperty =
        typeof(BaseExporter<T>).GetProperty("ParentProvider", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);

    public override ExportResult Export(in Batch<T> batch)
    {
        ExportResult result;
        Exception? error = null;
        try
        {
            ShareParentProvider();
            result = inner.Export(batch);
        }
        catch (Exception exception)
        {
            error = exception;
            result = ExportResult.Failure;
        }

        if (result == ExportResult.Failure)
        {
            ReportFailure(batch.Count, error);
        }
        return result;
    }

    private void ShareParentProvider()
    {
        if (ParentProvider is { } provider && inner.ParentProvider is null)
        {
            ParentProviderProperty?.SetValue(inner, provider);
        }
    }

    private void ReportFailure(long items, Exception? error)
    {
        telemetry.TelemetryExportFailures.Add(1, new KeyValuePair<string, object?>("signal", signal));
        var failures = Interlocked.Increment(ref _failuresSinceLog);
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextLogAt);
        if (now < next || Interlocked.CompareExchange(ref _nextLogAt, now + (long)LogInterval.TotalMilliseconds, next) != next)
        {
            return;
        }
        Interlocked.Exchange(ref _failuresSinceLog, 0);
        ExportLog.Failed(logger, signal, target, failures, items, (int)LogInterval.TotalSeconds, error);
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) => inner.ForceFlush(timeoutMilliseconds);

    protected override bool OnShutdown(int timeoutMilliseconds) => inner.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

internal static class ExportLog
{
    public static readonly Action<ILogger, string, string, long, long, int, Exception?> Failed =
        LoggerMessage.Define<string, string, long, long, int>(LogLevel.Warning, new EventId(2001, "TelemetryExportFailed"),
            "OTLP export of {signal} to {otlp.endpoint} failed ({failure.count} failures since the last report, last batch {batch.size} items); telemetry is dropped, requests are unaffected. Next report in {report.interval_s} s at the earliest");
}

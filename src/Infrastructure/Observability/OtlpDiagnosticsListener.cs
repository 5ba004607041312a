using System.Diagnostics.Tracing;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// Routes the OpenTelemetry SDK's own warnings and errors (why an export failed: connection
/// refused, timeout, HTTP status) into the service's logs, rate-limited, instead of leaving them
/// in an event source nobody reads.
/// </summary>
public sealed class OtlpDiagnosticsListener(ILogger logger) : EventListener
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);
    private long _nextLogAt;
    private long _suppressed;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name.StartsWith("OpenTelemetry-", StringComparison.Ordinal))
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // "Instrument ... will be ignored" is the SDK noting meters nobody asked for: not a problem.
        if (eventData.Level > EventLevel.Warning || eventData.EventName?.Contains("Ignored", StringComparison.Ordinal) == true)
        {
            return;
        }
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextLogAt);
        if (now < next || Interlocked.CompareExchange(ref _nextLogAt, now + (long)LogInterval.TotalMilliseconds, next) != next)
        {
            Interlocked.Increment(ref _suppressed);
            return;
        }
        var suppressed = Interlocked.Exchange(ref _suppressed, 0);
        var message = eventData.Message is { Length: > 0 } format && eventData.Payload is { Count: > 0 } payload
            ? SafeFormat(format, payload)
            : eventData.EventName ?? "unknown event";
        SdkLog.Reported(logger, eventData.EventSource.Name, message, suppressed, null);
    }

    private static string SafeFormat(string format, IReadOnlyCollection<object?> payload)
    {
        try
        {
            var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, payload.ToArray());
            return text.Length > 2000 ? text[..2000] + "…" : text;
        }
        catch (FormatException)
        {
            return format;
        }
    }
}

internal static class SdkLog
{
    public static readonly Action<ILogger, string, string, long, Exception?> Reported =
        LoggerMessage.Define<string, string, long>(LogLevel.Warning, new EventId(2002, "TelemetrySdkWarning"),
            "OpenTelemetry SDK ({event.source}): {sdk.message} ({suppressed.count} similar messages suppressed)");
}

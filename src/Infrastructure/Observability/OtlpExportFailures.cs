using System.Diagnostics.Tracing;
using CrudCqrs.Application.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// Keeps export failures visible from the SDK's own diagnostics, its supported channel: the OTLP
/// exporter's event source reports every failed request with its endpoint. Each one is counted
/// (<c>crud.telemetry.export.failures</c> by <c>signal</c>) and logged at most once per
/// <see cref="LogInterval"/> per signal; the SDK's other warnings are logged, rate-limited, too.
/// </summary>
public sealed class OtlpExportFailures(CrudTelemetry telemetry, ILoggerFactory loggers) : EventListener
{
    public const string ExporterEventSource = "OpenTelemetry-Exporter-OpenTelemetryProtocol";
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);

    /// <summary>The exporter's events for a failed request, each with the endpoint as its first payload item.</summary>
    public static readonly IReadOnlySet<int> FailureEventIds = new HashSet<int>
    {
        2, // FailedToReachCollector
        16, // TransientHttpError
        17, // HttpRequestFailed
        18, // OperationUnexpectedlyCanceled
        19, // RequestTimedOut
        20, // ResponseDeserializationFailed
        23, // ExportFailure (a gRPC status other than OK)
    };

    private static readonly string[] Signals = ["traces", "metrics", "logs", "unknown"];
    private readonly long[] _nextLogAt = new long[Signals.Length + 1];
    private readonly long[] _suppressed = new long[Signals.Length + 1];
    private ILogger? _logger;

    private ILogger Logger => _logger ??= loggers.CreateLogger(ObservabilityExtensions.LoggerCategory);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name.StartsWith("OpenTelemetry-", StringComparison.Ordinal))
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.Level > EventLevel.Warning)
        {
            return;
        }
        if (eventData.EventSource.Name == ExporterEventSource && FailureEventIds.Contains(eventData.EventId)
            && eventData.Payload is [string endpoint, ..])
        {
            var signal = SignalOf(endpoint);
            telemetry.TelemetryExportFailures.Add(1, new KeyValuePair<string, object?>("signal", Signals[signal]));
            if (Due(signal, out var suppressed))
            {
                var message = Describe(eventData);
                OffExportThread(logger => ExportLog.Failed(logger, Signals[signal], endpoint, suppressed + 1, (int)LogInterval.TotalSeconds, message, null));
            }
            return;
        }
        // "Instrument ... will be ignored" is the SDK noting meters nobody asked for: not a problem.
        if (eventData.EventName?.Contains("Ignored", StringComparison.Ordinal) != true && Due(Signals.Length, out var others))
        {
            var (source, message) = (eventData.EventSource.Name, Describe(eventData));
            OffExportThread(logger => ExportLog.SdkWarning(logger, source, message, others, null));
        }
    }

    /// <summary>
    /// The SDK suppresses telemetry on its export threads, which would drop this very log record
    /// from the OTLP log pipeline; a work item queued without the execution context is not suppressed.
    /// </summary>
    private void OffExportThread(Action<ILogger> log) =>
        ThreadPool.UnsafeQueueUserWorkItem(state => state.log(state.logger), (log, logger: Logger), preferLocal: false);

    /// <summary>The gRPC path names the service (<c>...TraceService/Export</c>), the HTTP path the signal (<c>/v1/traces</c>).</summary>
    private static int SignalOf(string endpoint) =>
        endpoint.Contains("trace", StringComparison.OrdinalIgnoreCase) ? 0
        : endpoint.Contains("metric", StringComparison.OrdinalIgnoreCase) ? 1
        : endpoint.Contains("log", StringComparison.OrdinalIgnoreCase) ? 2
        : 3;

    private bool Due(int slot, out long suppressed)
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextLogAt[slot]);
        if (now < next || Interlocked.CompareExchange(ref _nextLogAt[slot], now + (long)LogInterval.TotalMilliseconds, next) != next)
        {
            Interlocked.Increment(ref _suppressed[slot]);
            suppressed = 0;
            return false;
        }
        suppressed = Interlocked.Exchange(ref _suppressed[slot], 0);
        return true;
    }

    private static string Describe(EventWrittenEventArgs eventData)
    {
        if (eventData.Message is not { Length: > 0 } format || eventData.Payload is not { Count: > 0 } payload)
        {
            return eventData.EventName ?? "unknown event";
        }
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

using System.Diagnostics.Tracing;
using System.Globalization;
using CrudCqrs.Application.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// Keeps export failures visible from the SDK's own diagnostics, its supported channel: the OTLP
/// exporter's event source reports every failed and every successful request with its endpoint.
/// Each failure is counted (<c>crud.telemetry.export.failures</c> by <c>signal</c>); a person
/// reads one line per <see cref="ReportInterval"/> at most, covering every failing signal, with the
/// SDK's exception and stack at Debug; <c>/health/ready</c> reads <see cref="CurrentStreak"/>.
/// </summary>
public sealed class OtlpExportFailures : EventListener
{
    public const string ExporterEventSource = "OpenTelemetry-Exporter-OpenTelemetryProtocol";
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the first report of a streak waits for the other signals: spans and log records are
    /// exported on the same 5 s cycle, so a dead collector fails both within moments.
    /// </summary>
    public static readonly TimeSpan GatherDelay = TimeSpan.FromSeconds(2);

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

    /// <summary>The exporter's event for a successful request (informational), the endpoint first.</summary>
    public const int SuccessEventId = 21;

    private static readonly string[] Signals = ["traces", "metrics", "logs", "unknown"];

    private readonly CrudTelemetry _telemetry;
    private readonly ILoggerFactory _loggers;
    private readonly long[] _failuresSinceReport = new long[Signals.Length];
    private readonly long[] _failingSinceTicks = new long[Signals.Length];
    private readonly string?[] _endpoints = new string?[Signals.Length];
    private readonly Timer _reportTimer;
    private long _windowStartedAt;
    private long _lastReportAt = long.MinValue;
    private int _reportPending;
    private long _nextSdkWarningAt;
    private long _suppressedSdkWarnings;
    private string _lastReason = "";
    private ILogger? _logger;
    private volatile bool _constructed;

    public OtlpExportFailures(CrudTelemetry telemetry, ILoggerFactory loggers)
    {
        _telemetry = telemetry;
        _loggers = loggers;
        // The SDK suppresses telemetry in its export flow, which would drop the report from the
        // OTLP log pipeline; a timer created without the caller's execution context is not suppressed.
        using (ExecutionContext.SuppressFlow())
        {
            _reportTimer = new Timer(_ => Report(), null, Timeout.Infinite, Timeout.Infinite);
        }
        _constructed = true;
    }

    /// <summary>The failing signals, the UTC time of the first failure of the current streak, and why; null while exports succeed.</summary>
    public ExportFailureStreak? CurrentStreak
    {
        get
        {
            var failing = Enumerable.Range(0, Signals.Length).Where(i => Volatile.Read(ref _failingSinceTicks[i]) != 0).ToArray();
            if (failing.Length == 0)
            {
                return null;
            }
            var since = new DateTime(failing.Min(i => Volatile.Read(ref _failingSinceTicks[i])), DateTimeKind.Utc);
            return new ExportFailureStreak(EndpointsOf(failing), failing.Select(i => Signals[i]).ToArray(), since, Volatile.Read(ref _lastReason));
        }
    }

    private ILogger Logger => _logger ??= _loggers.CreateLogger(ObservabilityExtensions.LoggerCategory);

    public override void Dispose()
    {
        _reportTimer.Dispose();
        base.Dispose();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == ExporterEventSource)
        {
            // Informational, for the success event that ends a streak.
            EnableEvents(eventSource, EventLevel.Informational);
        }
        else if (eventSource.Name.StartsWith("OpenTelemetry-", StringComparison.Ordinal))
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // The base constructor enables the SDK's sources before this one has set the fields.
        if (!_constructed)
        {
            return;
        }
        var fromExporter = eventData.EventSource.Name == ExporterEventSource;
        if (fromExporter && eventData.EventId == SuccessEventId && eventData.Payload is [string succeeded, ..])
        {
            Succeeded(SignalOf(succeeded), succeeded);
            return;
        }
        if (eventData.Level > EventLevel.Warning)
        {
            return;
        }
        if (fromExporter && FailureEventIds.Contains(eventData.EventId) && eventData.Payload is [string endpoint, ..])
        {
            Failed(SignalOf(endpoint), endpoint, eventData);
            return;
        }
        // "Instrument ... will be ignored" is the SDK noting meters nobody asked for: not a problem.
        if (eventData.EventName?.Contains("Ignored", StringComparison.Ordinal) != true)
        {
            SdkWarning(eventData);
        }
    }

    private void Failed(int signal, string endpoint, EventWrittenEventArgs eventData)
    {
        _telemetry.TelemetryExportFailures.Add(1, new KeyValuePair<string, object?>("signal", Signals[signal]));
        Volatile.Write(ref _endpoints[signal], BaseOf(endpoint));
        Volatile.Write(ref _lastReason, ReasonOf(eventData));
        Interlocked.CompareExchange(ref _failingSinceTicks[signal], DateTime.UtcNow.Ticks, 0);
        if (Interlocked.Increment(ref _failuresSinceReport[signal]) == 1)
        {
            Interlocked.CompareExchange(ref _windowStartedAt, Environment.TickCount64, 0);
        }
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            var (name, detail) = (Signals[signal], Describe(eventData));
            OffExportThread(logger => ExportLog.FailureDetail(logger, name, endpoint, detail, null));
        }
        ScheduleReport();
    }

    private void Succeeded(int signal, string endpoint)
    {
        var since = Interlocked.Exchange(ref _failingSinceTicks[signal], 0);
        if (since != 0)
        {
            var (name, start) = (Signals[signal], new DateTime(since, DateTimeKind.Utc));
            OffExportThread(logger => ExportLog.Recovered(logger, name, BaseOf(endpoint), start, null));
        }
    }

    /// <summary>The first report of a streak after <see cref="GatherDelay"/>, the next ones no sooner than <see cref="ReportInterval"/> after the last.</summary>
    private void ScheduleReport()
    {
        if (Interlocked.CompareExchange(ref _reportPending, 1, 0) != 0)
        {
            return;
        }
        var last = Interlocked.Read(ref _lastReportAt);
        var dueIn = last == long.MinValue ? (long)GatherDelay.TotalMilliseconds : last + (long)ReportInterval.TotalMilliseconds - Environment.TickCount64;
        _reportTimer.Change(Math.Max(dueIn, (long)GatherDelay.TotalMilliseconds), Timeout.Infinite);
    }

    private void Report()
    {
        var now = Environment.TickCount64;
        var counts = new long[Signals.Length];
        for (var i = 0; i < Signals.Length; i++)
        {
            counts[i] = Interlocked.Exchange(ref _failuresSinceReport[i], 0);
        }
        var windowStart = Interlocked.Exchange(ref _windowStartedAt, 0);
        var failing = Enumerable.Range(0, Signals.Length).Where(i => counts[i] > 0).ToArray();
        if (failing.Length > 0)
        {
            var total = counts.Sum();
            var last = Interlocked.Read(ref _lastReportAt);
            // Counted since the first failure after the last report (a failure racing the previous report may have left no start).
            var from = windowStart != 0 && (last == long.MinValue || windowStart > last) ? windowStart : last;
            var seconds = from == long.MinValue ? (int)GatherDelay.TotalSeconds : Math.Max(1, (int)Math.Round((now - from) / 1000.0));
            var summary = string.Create(CultureInfo.InvariantCulture, $"{total} {(total == 1 ? "failure" : "failures")} in the last {seconds} s");
            ExportLog.Failing(Logger, EndpointsOf(failing), string.Join(", ", failing.Select(i => Signals[i])), summary, Volatile.Read(ref _lastReason), null);
            Interlocked.Exchange(ref _lastReportAt, now);
        }
        Volatile.Write(ref _reportPending, 0);
        // A failure that arrived while this report was written found it still pending.
        if (Enumerable.Range(0, Signals.Length).Any(i => Interlocked.Read(ref _failuresSinceReport[i]) > 0))
        {
            ScheduleReport();
        }
    }

    private void SdkWarning(EventWrittenEventArgs eventData)
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextSdkWarningAt);
        if (now < next || Interlocked.CompareExchange(ref _nextSdkWarningAt, now + (long)ReportInterval.TotalMilliseconds, next) != next)
        {
            Interlocked.Increment(ref _suppressedSdkWarnings);
            return;
        }
        var suppressed = Interlocked.Exchange(ref _suppressedSdkWarnings, 0);
        var (source, detail) = (eventData.EventSource.Name, Describe(eventData));
        OffExportThread(logger =>
        {
            ExportLog.SdkWarning(logger, source, FirstLine(detail), suppressed, null);
            if (logger.IsEnabled(LogLevel.Debug) && detail.Contains('\n', StringComparison.Ordinal))
            {
                ExportLog.SdkWarningDetail(logger, source, detail, null);
            }
        });
    }

    /// <summary>Logs from a thread-pool thread outside the export flow, where the SDK suppresses telemetry (see the constructor).</summary>
    private void OffExportThread(Action<ILogger> log) =>
        ThreadPool.UnsafeQueueUserWorkItem(state => state.log(state.logger), (log, logger: Logger), preferLocal: false);

    private string EndpointsOf(IEnumerable<int> signals) =>
        string.Join(", ", signals.Select(i => Volatile.Read(ref _endpoints[i])).OfType<string>().Distinct());

    /// <summary>The gRPC path names the service (<c>...TraceService/Export</c>), the HTTP path the signal (<c>/v1/traces</c>).</summary>
    private static int SignalOf(string endpoint) =>
        endpoint.Contains("trace", StringComparison.OrdinalIgnoreCase) ? 0
        : endpoint.Contains("metric", StringComparison.OrdinalIgnoreCase) ? 1
        : endpoint.Contains("log", StringComparison.OrdinalIgnoreCase) ? 2
        : 3;

    /// <summary>The collector's address as an operator configures it, without the signal's path.</summary>
    private static string BaseOf(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : endpoint;

    /// <summary>
    /// Why, in a few words: the first line of what the SDK said after the endpoint (an exception's
    /// message without its type, or the HTTP response), never its stack.
    /// </summary>
    private static string ReasonOf(EventWrittenEventArgs eventData)
    {
        var text = eventData.Payload?.Skip(1).OfType<string>().FirstOrDefault(p => p.Length > 0) ?? eventData.EventName ?? "export failed";
        var line = FirstLine(text);
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0 && line[..colon].Split(' ')[0].EndsWith("Exception", StringComparison.Ordinal))
        {
            line = line[(colon + 2)..];
        }
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd();
    }

    private static string Describe(EventWrittenEventArgs eventData)
    {
        if (eventData.Message is not { Length: > 0 } format || eventData.Payload is not { Count: > 0 } payload)
        {
            return eventData.EventName ?? "unknown event";
        }
        try
        {
            var text = string.Format(CultureInfo.InvariantCulture, format, payload.ToArray());
            return text.Length > 4000 ? text[..4000] + "…" : text;
        }
        catch (FormatException)
        {
            return format;
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NLog;
using NLog.Config;
using NLog.Extensions.Logging;
using NLog.Layouts;
using NLog.Targets;
using NLog.Targets.Wrappers;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// NLog as the stdout provider: one JSON object per line (or readable text with
/// <c>Logging__Format=text</c>). The write happens on NLog's background thread behind a bounded
/// queue that discards when full, so a slow stdout never slows a request; the trace and span
/// ids are captured on the logging thread before queueing.
/// </summary>
public static class StdoutLogging
{
    public const int QueueLimit = 10_000;

    static StdoutLogging()
    {
        // Not thread-agnostic, so NLog renders them on the calling thread, where Activity.Current is right.
        LogManager.Setup().SetupExtensions(extensions =>
        {
            extensions.RegisterLayoutRenderer("crud-trace-id", _ => Activity.Current?.TraceId.ToHexString() ?? "");
            extensions.RegisterLayoutRenderer("crud-span-id", _ => Activity.Current?.SpanId.ToHexString() ?? "");
        });
    }

    public static void Configure(ILoggingBuilder logging, ObservabilitySettings settings)
    {
        logging.ClearProviders();
        var factory = new LogFactory();
        var configuration = new LoggingConfiguration(factory);
        // Console.Out's own writer flushes every 256 characters: two or three system calls per
        // line, a tenth of the service's CPU under load. NLog flushes this one after each batch.
        Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 64 * 1024));
        var console = new ConsoleTarget("stdout") { Layout = settings.JsonLogs ? JsonLines(settings.ServiceName) : TextLines(), AutoFlush = true };
        var buffered = new AsyncTargetWrapper("stdout-async", console)
        {
            QueueLimit = QueueLimit,
            OverflowAction = AsyncTargetWrapperOverflowAction.Discard,
            BatchSize = 200,
            TimeToSleepBetweenBatches = 1,
        };
        configuration.AddRule(NLog.LogLevel.Trace, NLog.LogLevel.Fatal, buffered);
        factory.Configuration = configuration;

        logging.AddProvider(new NLogLoggerProvider(new NLogProviderOptions
        {
            // Logging:LogLevel keeps filtering; NLog only formats and writes.
            RemoveLoggerFactoryFilter = false,
            ShutdownOnDispose = true,
            IncludeScopes = true,
            CaptureMessageTemplates = true,
            CaptureMessageProperties = true,
        }, factory));
    }

    /// <summary>Characters of the request path a JSON line carries, as the problem's <c>instance</c> does.</summary>
    public const int MaxRequestPathLength = 512;

    private static JsonLayout JsonLines(string serviceName)
    {
        var layout = new JsonLayout
        {
            IncludeEventProperties = true,
            IncludeScopeProperties = true,
            MaxRecursionLimit = 1,
            ExcludeProperties = new HashSet<string> { "EventId", "EventId_Id", "EventId_Name", "EventName", "{OriginalFormat}", "RequestPath" },
        };
        layout.Attributes.Add(new JsonAttribute("timestamp", "${date:universalTime=true:format=yyyy-MM-ddTHH\\:mm\\:ss.fffZ}"));
        layout.Attributes.Add(new JsonAttribute("level", "${level:uppercase=true}"));
        layout.Attributes.Add(new JsonAttribute("message", "${message}"));
        layout.Attributes.Add(new JsonAttribute("logger", "${logger}"));
        layout.Attributes.Add(new JsonAttribute("trace_id", "${crud-trace-id}"));
        layout.Attributes.Add(new JsonAttribute("span_id", "${crud-span-id}"));
        layout.Attributes.Add(new JsonAttribute("service.name", serviceName.Replace("$", "$$", StringComparison.Ordinal)));
        layout.Attributes.Add(new JsonAttribute("event", "${event-properties:EventName}"));
        layout.Attributes.Add(new JsonAttribute("exception", "${exception:format=tostring}"));
        // The hosting scope's path is the client's, escaped (up to 64 KB of request line): written
        // cut short, so one request cannot make every line it logs that long.
        layout.Attributes.Add(new JsonAttribute("RequestPath", $"${{scopeproperty:item=RequestPath:truncate={MaxRequestPathLength}}}"));
        return layout;
    }

    private static Layout TextLines() =>
        "${date:universalTime=true:format=HH\\:mm\\:ss.fff} ${level:uppercase=true:padding=-5} ${logger:shortName=true}: ${message}${when:when=length('${crud-trace-id}') > 0:inner= [trace ${crud-trace-id}]}${onexception:inner=${newline}${exception:format=tostring}}";
}

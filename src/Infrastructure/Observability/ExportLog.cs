using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>The lines about telemetry itself (field names with dots, hence defined by hand).</summary>
internal static class ExportLog
{
    public static readonly Action<ILogger, string, string, string, string, Exception?> Failing =
        LoggerMessage.Define<string, string, string, string>(LogLevel.Warning, new EventId(2001, "TelemetryExportFailed"),
            "OTLP export to {otlp.endpoint} failing for {otlp.signals} ({failure.summary}): {failure.reason}. Telemetry is dropped; requests are unaffected. "
            + "Set Observability__Enabled=false to stop exporting, or Observability__OtlpEndpoint to point it elsewhere.");

    public static readonly Action<ILogger, string, string, string, Exception?> FailureDetail =
        LoggerMessage.Define<string, string, string>(LogLevel.Debug, new EventId(2003, "TelemetryExportFailureDetail"),
            "OTLP export of {otlp.signal} to {otlp.endpoint} failed: {sdk.message}");

    public static readonly Action<ILogger, string, string, DateTime, Exception?> Recovered =
        LoggerMessage.Define<string, string, DateTime>(LogLevel.Information, new EventId(2004, "TelemetryExportRecovered"),
            "OTLP export of {otlp.signal} to {otlp.endpoint} works again (failing since {failing_since:yyyy-MM-ddTHH:mm:ssZ})");

    public static readonly Action<ILogger, string, string, long, Exception?> SdkWarning =
        LoggerMessage.Define<string, string, long>(LogLevel.Warning, new EventId(2002, "TelemetrySdkWarning"),
            "OpenTelemetry SDK ({event.source}): {sdk.message} ({suppressed.count} similar messages suppressed)");

    public static readonly Action<ILogger, string, string, Exception?> SdkWarningDetail =
        LoggerMessage.Define<string, string>(LogLevel.Debug, new EventId(2005, "TelemetrySdkWarningDetail"),
            "OpenTelemetry SDK ({event.source}): {sdk.message}");
}

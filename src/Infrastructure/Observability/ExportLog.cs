using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Observability;

internal static class ExportLog
{
    public static readonly Action<ILogger, string, string, long, int, string, Exception?> Failed =
        LoggerMessage.Define<string, string, long, int, string>(LogLevel.Warning, new EventId(2001, "TelemetryExportFailed"),
            "OTLP export of {signal} to {otlp.endpoint} failed ({failure.count} failures since the last report); telemetry is dropped, requests are unaffected. Next report in {report.interval_s} s at the earliest. {sdk.message}");

    public static readonly Action<ILogger, string, string, long, Exception?> SdkWarning =
        LoggerMessage.Define<string, string, long>(LogLevel.Warning, new EventId(2002, "TelemetrySdkWarning"),
            "OpenTelemetry SDK ({event.source}): {sdk.message} ({suppressed.count} similar messages suppressed)");
}

using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CrudCqrs.Infrastructure.Observability;

public enum OtlpTransport
{
    Grpc,
    HttpProtobuf,
}

public enum LogFormat
{
    Json,
    Text,
}

/// <summary>One OTLP signal's resolved exporter target, or <see cref="Endpoint"/> null when that exporter is off.</summary>
public sealed record SignalExport(string Signal, Uri? Endpoint, OtlpTransport Transport);

/// <summary>
/// The resolved <c>Observability</c> settings. Each key comes from <c>Observability__*</c> first,
/// then the standard <c>OTEL_*</c> variable, then the default. A value that cannot work never
/// stops the service: it is recorded in <see cref="Problems"/> (logged at start, shown by
/// <c>/health/ready</c>) and replaced by the default, or turns its exporter off.
/// </summary>
public sealed class ObservabilitySettings
{
    public const string SectionName = "Observability";
    public const string DefaultServiceName = "crudcqrs-api";
    public const string DefaultEndpoint = "http://localhost:4317";
    public const int DefaultMetricsExportIntervalMs = 60_000;

    public bool Enabled { get; private init; } = true;
    public string ServiceName { get; private init; } = DefaultServiceName;
    public string ServiceVersion { get; private init; } = "";
    public string Environment { get; private init; } = "development";
    public OtlpTransport Transport { get; private init; } = OtlpTransport.Grpc;
    public required SignalExport Traces { get; init; }
    public required SignalExport Metrics { get; init; }
    public required SignalExport Logs { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();
    public int MetricsExportIntervalMs { get; private init; } = DefaultMetricsExportIntervalMs;
    public double TracesSampleRate { get; private init; } = 1.0;

    /// <summary>True when the sampler ignores the parent's decision (OTEL_TRACES_SAMPLER=traceidratio).</summary>
    public bool SamplerIgnoresParent { get; private init; }

    public bool PrometheusEndpoint { get; private init; }
    public LogFormat LogFormat { get; private init; } = LogFormat.Json;
    public IReadOnlyList<string> Problems { get; private init; } = [];

    public static ObservabilitySettings Resolve(IConfiguration configuration, string assemblyVersion)
    {
        var problems = new List<string>();
        var section = configuration.GetSection(SectionName);

        string? Pick(string key, string? otelVariable)
        {
            var value = section[key];
            if (string.IsNullOrWhiteSpace(value) && otelVariable is not null)
            {
                value = configuration[otelVariable];
            }
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        var enabled = ParseBool(Pick("Enabled", null), "Observability__Enabled", true, problems);
        if (section["Enabled"] is null && ParseBool(configuration["OTEL_SDK_DISABLED"], "OTEL_SDK_DISABLED", false, problems))
        {
            enabled = false;
        }

        var transport = OtlpTransport.Grpc;
        var transportText = Pick("OtlpProtocol", "OTEL_EXPORTER_OTLP_PROTOCOL");
        if (transportText is not null)
        {
            switch (transportText.ToLowerInvariant())
            {
                case "grpc":
                    break;
                case "http/protobuf" or "http":
                    transport = OtlpTransport.HttpProtobuf;
                    break;
                default:
                    problems.Add($"Observability__OtlpProtocol is '{transportText}'; accepted values are grpc and http/protobuf. Using grpc.");
                    break;
            }
        }

        var baseEndpointText = Pick("OtlpEndpoint", "OTEL_EXPORTER_OTLP_ENDPOINT");
        var baseEndpoint = ParseEndpoint(baseEndpointText ?? DefaultEndpoint, "Observability__OtlpEndpoint", problems);
        if (baseEndpointText is null && transport == OtlpTransport.HttpProtobuf)
        {
            // The OTLP/HTTP default port, so switching the protocol alone reaches a standard collector.
            baseEndpoint = new Uri("http://localhost:4318");
        }

        SignalExport Signal(string signal, string key, string otelVariable, string httpPath)
        {
            var ownText = Pick(key, otelVariable);
            if (ownText is not null)
            {
                var own = ParseEndpoint(ownText, $"Observability__{key}", problems);
                return new SignalExport(signal, own is null ? null : WithSignalPath(own, transport, httpPath, onlyWhenPathEmpty: true), transport);
            }
            return new SignalExport(signal, baseEndpoint is null ? null : WithSignalPath(baseEndpoint, transport, httpPath, onlyWhenPathEmpty: false), transport);
        }

        var rate = 1.0;
        var ignoresParent = false;
        var rateText = section["TracesSampleRate"];
        if (!string.IsNullOrWhiteSpace(rateText))
        {
            rate = ParseRate(rateText, "Observability__TracesSampleRate", problems);
        }
        else if (configuration["OTEL_TRACES_SAMPLER"] is { Length: > 0 } sampler)
        {
            (rate, ignoresParent) = ParseOtelSampler(sampler.Trim().ToLowerInvariant(), configuration["OTEL_TRACES_SAMPLER_ARG"], problems);
        }

        var interval = DefaultMetricsExportIntervalMs;
        var intervalText = Pick("MetricsExportIntervalMs", "OTEL_METRIC_EXPORT_INTERVAL");
        if (intervalText is not null && (!int.TryParse(intervalText, NumberStyles.Integer, CultureInfo.InvariantCulture, out interval) || interval < 100))
        {
            problems.Add($"Observability__MetricsExportIntervalMs is '{intervalText}'; accepted values are whole milliseconds of at least 100. Using {DefaultMetricsExportIntervalMs}.");
            interval = DefaultMetricsExportIntervalMs;
        }

        var logFormat = LogFormat.Json;
        if (configuration["Logging:Format"] is { Length: > 0 } formatText)
        {
            if (formatText.Trim().Equals("text", StringComparison.OrdinalIgnoreCase))
            {
                logFormat = LogFormat.Text;
            }
            else if (!formatText.Trim().Equals("json", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"Logging__Format is '{formatText}'; accepted values are json and text. Using json.");
            }
        }

        return new ObservabilitySettings
        {
            Enabled = enabled,
            ServiceName = Pick("ServiceName", "OTEL_SERVICE_NAME") ?? DefaultServiceName,
            ServiceVersion = Pick("ServiceVersion", null) ?? assemblyVersion,
            Environment = Pick("Environment", null) ?? "development",
            Transport = transport,
            Traces = Signal("traces", "OtlpTracesEndpoint", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "/v1/traces"),
            Metrics = Signal("metrics", "OtlpMetricsEndpoint", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "/v1/metrics"),
            Logs = Signal("logs", "OtlpLogsEndpoint", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "/v1/logs"),
            Headers = ParseHeaders(Pick("OtlpHeaders", "OTEL_EXPORTER_OTLP_HEADERS"), problems),
            MetricsExportIntervalMs = interval,
            TracesSampleRate = rate,
            SamplerIgnoresParent = ignoresParent,
            PrometheusEndpoint = ParseBool(section["PrometheusEndpoint"], "Observability__PrometheusEndpoint", false, problems),
            LogFormat = logFormat,
            Problems = problems,
        };
    }

    /// <summary>
    /// OTLP/HTTP wants a path per signal. The SDK appends it only to endpoints read from
    /// OTEL_* variables, not to endpoints set in code, so it is added here: always to the shared
    /// endpoint, and to a per-signal endpoint that has no path of its own.
    /// </summary>
    private static Uri WithSignalPath(Uri endpoint, OtlpTransport transport, string signalPath, bool onlyWhenPathEmpty)
    {
        if (transport != OtlpTransport.HttpProtobuf)
        {
            return endpoint;
        }
        var path = endpoint.AbsolutePath.TrimEnd('/');
        if (path.EndsWith(signalPath, StringComparison.Ordinal) || (onlyWhenPathEmpty && path.Length > 0))
        {
            return endpoint;
        }
        return new UriBuilder(endpoint) { Path = path + signalPath }.Uri;
    }

    private static Uri? ParseEndpoint(string text, string key, List<string> problems)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0)
        {
            return uri;
        }
        problems.Add($"{key} is '{text}', which is not an http(s) URL; that OTLP exporter is off.");
        return null;
    }

    private static double ParseRate(string text, string key, List<string> problems)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1)
        {
            return rate;
        }
        problems.Add($"{key} is '{text}'; accepted values are 0.0 to 1.0. Using 1.0.");
        return 1.0;
    }

    private static (double Rate, bool IgnoresParent) ParseOtelSampler(string sampler, string? argument, List<string> problems)
    {
        double Argument() => string.IsNullOrWhiteSpace(argument) ? 1.0 : ParseRate(argument, "OTEL_TRACES_SAMPLER_ARG", problems);
        switch (sampler)
        {
            case "always_on" or "parentbased_always_on":
                return (1.0, sampler == "always_on");
            case "always_off" or "parentbased_always_off":
                return (0.0, sampler == "always_off");
            case "traceidratio":
                return (Argument(), true);
            case "parentbased_traceidratio":
                return (Argument(), false);
            default:
                problems.Add($"OTEL_TRACES_SAMPLER is '{sampler}'; supported: always_on, always_off, traceidratio and their parentbased_ forms. Using parent-based 1.0.");
                return (1.0, false);
        }
    }

    private static bool ParseBool(string? text, string key, bool fallback, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (bool.TryParse(text.Trim(), out var value))
        {
            return value;
        }
        problems.Add($"{key} is '{text}'; accepted values are true and false. Using {fallback.ToString().ToLowerInvariant()}.");
        return fallback;
    }

    private static Dictionary<string, string> ParseHeaders(string? text, List<string> problems)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (text is null)
        {
            return headers;
        }
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=');
            if (separator <= 0)
            {
                // The value may be a secret: name the position, never echo it.
                problems.Add("Observability__OtlpHeaders has an entry without 'key=value'; that entry is ignored.");
                continue;
            }
            headers[Uri.UnescapeDataString(pair[..separator].Trim())] = Uri.UnescapeDataString(pair[(separator + 1)..].Trim());
        }
        return headers;
    }
}

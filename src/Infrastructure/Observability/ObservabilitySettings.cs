using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// The <c>Observability</c> keys, checked and translated into the OpenTelemetry SDK's own
/// <c>OTEL_*</c> keys (<see cref="SdkKeys"/>), which the SDK then reads from configuration like
/// any standard variable; only keys the operator set are translated, so they win where both are
/// given and the SDK's defaults and variables apply everywhere else. A value that cannot work
/// never stops the service: it is recorded in <see cref="Problems"/> (logged at start, shown by
/// <c>/health/ready</c>) and not translated, so the default applies.
/// </summary>
public sealed class ObservabilitySettings
{
    public const string SectionName = "Observability";
    public const string DefaultServiceName = "crudcqrs-api";

    /// <summary>
    /// The SDK's own batch settings, below every configuration source (an operator's <c>OTEL_BSP_*</c> /
    /// <c>OTEL_BLRP_*</c> wins). The SDK's defaults (queue 2048, batch 512) hold 7 ms of a read
    /// load of 100k/s (three spans and two log records each), drop past that, and wake the export
    /// thread every 512 items: each enqueue past a full batch signals it, a process-wide wait-handle
    /// operation that grows with cores. 32768 holds about 100 ms of that peak; a batch of 2048 is
    /// a quarter as many exports and wake-ups, and stays near 1 MB, well under gRPC's 4 MiB message limit.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> SdkDefaults = new Dictionary<string, string?>
    {
        ["OTEL_BSP_MAX_QUEUE_SIZE"] = "32768",
        ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "2048",
        ["OTEL_BLRP_MAX_QUEUE_SIZE"] = "32768",
        ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"] = "2048",
    };

    public bool Enabled { get; private init; } = true;
    public bool PrometheusEndpoint { get; private init; }
    public bool JsonLogs { get; private init; } = true;

    /// <summary>When set, OTLP log records inside unsampled traces are not exported (stdout keeps every line).</summary>
    public bool LogsFollowSampling { get; private init; }

    /// <summary><c>Observability__TracesSampleRate</c> when given: then <see cref="CallerSampling"/> samples.</summary>
    public double? TracesSampleRate { get; private init; }

    /// <summary>Whether a caller's sampled flag may decide (<c>Observability__TrustCallerSampling</c>).</summary>
    public bool TrustCallerSampling { get; private init; }

    /// <summary>The <c>service.name</c> the JSON log lines carry (the exported resource is the SDK's, built from the same keys).</summary>
    public string ServiceName { get; private init; } = DefaultServiceName;

    /// <summary>Resource attributes given as <c>Observability__ServiceVersion</c> / <c>Environment</c>; they win over <c>OTEL_RESOURCE_ATTRIBUTES</c>.</summary>
    public IReadOnlyDictionary<string, object> ResourceOverrides { get; private init; } = new Dictionary<string, object>();

    public IReadOnlyDictionary<string, string?> SdkKeys { get; private init; } = new Dictionary<string, string?>();
    public IReadOnlyList<string> Problems { get; private init; } = [];

    public static ObservabilitySettings Resolve(IConfiguration configuration)
    {
        var problems = new List<string>();
        var section = configuration.GetSection(SectionName);
        var sdk = new Dictionary<string, string?>();
        var resource = new Dictionary<string, object>();

        string? Given(string key) => section[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        void Translate(string key, string sdkKey, Func<string, string?> check, string accepted)
        {
            if (Given(key) is not { } value)
            {
                return;
            }
            if (check(value) is { } translated)
            {
                sdk[sdkKey] = translated;
            }
            else
            {
                problems.Add($"Observability__{key} is '{value}'; {accepted}. Using the default.");
            }
        }

        var enabled = Given("Enabled") is { } enabledText
            ? ParseBool(enabledText, "Observability__Enabled", true, problems)
            : !string.Equals(configuration["OTEL_SDK_DISABLED"]?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        if (Given("Enabled") is not null)
        {
            sdk["OTEL_SDK_DISABLED"] = enabled ? "false" : "true";
        }

        Translate("ServiceName", "OTEL_SERVICE_NAME", value => value, "a name is required");
        Translate("OtlpEndpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", Url, "accepted values are http(s) URLs");
        Translate("OtlpTracesEndpoint", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", Url, "accepted values are http(s) URLs, used as given");
        Translate("OtlpMetricsEndpoint", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", Url, "accepted values are http(s) URLs, used as given");
        Translate("OtlpLogsEndpoint", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", Url, "accepted values are http(s) URLs, used as given");
        Translate("OtlpProtocol", "OTEL_EXPORTER_OTLP_PROTOCOL",
            value => value.ToLowerInvariant() switch { "grpc" => "grpc", "http/protobuf" or "http" => "http/protobuf", _ => null },
            "accepted values are grpc and http/protobuf");
        Translate("MetricsExportIntervalMs", "OTEL_METRIC_EXPORT_INTERVAL",
            value => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms >= 100 ? ms.ToString(CultureInfo.InvariantCulture) : null,
            "accepted values are whole milliseconds of at least 100");
        Translate("TracesSampleRate", "OTEL_TRACES_SAMPLER_ARG",
            value => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1 ? rate.ToString("R", CultureInfo.InvariantCulture) : null,
            "accepted values are 0.0 to 1.0");
        if (sdk.ContainsKey("OTEL_TRACES_SAMPLER_ARG"))
        {
            sdk["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio";
        }
        if (Given("OtlpHeaders") is { } headers)
        {
            // A header value may be a secret: the problem names the key, never the value.
            if (headers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(pair => pair.IndexOf('=') > 0))
            {
                sdk["OTEL_EXPORTER_OTLP_HEADERS"] = headers;
            }
            else
            {
                problems.Add("Observability__OtlpHeaders has an entry without 'key=value'; no headers are sent.");
            }
        }
        if (Given("ServiceVersion") is { } version)
        {
            resource["service.version"] = version;
        }
        if (Given("Environment") is { } environment)
        {
            resource["deployment.environment.name"] = environment;
        }

        var logFormat = configuration["Logging:Format"]?.Trim();
        var jsonLogs = !string.Equals(logFormat, "text", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(logFormat) && jsonLogs && !string.Equals(logFormat, "json", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"Logging__Format is '{logFormat}'; accepted values are json and text. Using json.");
        }

        return new ObservabilitySettings
        {
            Enabled = enabled,
            PrometheusEndpoint = ParseBool(Given("PrometheusEndpoint"), "Observability__PrometheusEndpoint", false, problems),
            JsonLogs = jsonLogs,
            LogsFollowSampling = ParseBool(Given("LogsFollowSampling"), "Observability__LogsFollowSampling", false, problems),
            TracesSampleRate = sdk.TryGetValue("OTEL_TRACES_SAMPLER_ARG", out var rateText) ? double.Parse(rateText!, CultureInfo.InvariantCulture) : null,
            TrustCallerSampling = ParseBool(Given("TrustCallerSampling"), "Observability__TrustCallerSampling", false, problems),
            ServiceName = sdk.GetValueOrDefault("OTEL_SERVICE_NAME") ?? NonEmpty(configuration["OTEL_SERVICE_NAME"])
                ?? ServiceNameIn(configuration["OTEL_RESOURCE_ATTRIBUTES"]) ?? DefaultServiceName,
            ResourceOverrides = resource,
            SdkKeys = sdk,
            Problems = problems,
        };
    }

    private static string? Url(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0
            ? text
            : null;

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string? ServiceNameIn(string? resourceAttributes) =>
        resourceAttributes?.Split(',').Select(pair => pair.Split('=', 2)).FirstOrDefault(pair => pair.Length == 2 && pair[0].Trim() == "service.name")?[1].Trim();

    private static bool ParseBool(string? text, string key, bool fallback, List<string> problems)
    {
        if (text is null)
        {
            return fallback;
        }
        if (bool.TryParse(text, out var value))
        {
            return value;
        }
        problems.Add($"{key} is '{text}'; accepted values are true and false. Using {fallback.ToString().ToLowerInvariant()}.");
        return fallback;
    }
}

using System.Text.Json;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>
/// The real service as a process with the Prometheus endpoint on and JSON logs. OTLP metrics go
/// to a closed port, so those exports fail at once and <c>crud_telemetry_export_failures_total</c>
/// is exported too; spans and OTLP log records go to a collector that accepts connections and
/// never answers, with queues of 8, so the batch processors drop and the SDK's
/// <c>error_type="queue_full"</c> counts are exported as well.
/// </summary>
public sealed class MeteredService : IAsyncDisposable
{
    private readonly ServiceProcess _process;
    private readonly SilentListener _silentCollector;

    private MeteredService(ServiceProcess process, SilentListener silentCollector)
    {
        _process = process;
        _silentCollector = silentCollector;
    }

    public int Port => _process.Port;
    public HttpClient Http => _process.Client;
    public string DatabaseFile => _process.DatabasePath;

    /// <summary>Starts an instance; with <paramref name="sharing"/>, a second instance on that instance's SQLite file.</summary>
    public static async Task<MeteredService> StartAsync(MeteredService? sharing = null)
    {
        var silentCollector = new SilentListener();
        var silentPort = silentCollector.Port;
        try
        {
            return new(await ServiceProcess.StartAsync(new ServiceOptions
            {
                Settings = new Dictionary<string, string?>
                {
                    ["Database__TimeoutSeconds"] = "1",
                    ["Observability__PrometheusEndpoint"] = "true",
                    ["Observability__MetricsExportIntervalMs"] = "1000",
                    ["Observability__OtlpEndpoint"] = $"http://127.0.0.1:{FreePort.Next()}",
                    ["Observability__OtlpProtocol"] = "http/protobuf",
                    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = $"http://127.0.0.1:{silentPort}/v1/traces",
                    ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = $"http://127.0.0.1:{silentPort}/v1/logs",
                    ["OTEL_BSP_MAX_QUEUE_SIZE"] = "8",
                    ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "8",
                    ["OTEL_BLRP_MAX_QUEUE_SIZE"] = "8",
                    ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"] = "8",
                    ["Logging__Format"] = "json",
                    // On, so its meter has series for the dashboards, far above the load's rate.
                    ["RateLimit__Enabled"] = "true",
                    ["RateLimit__ReadsPerSecond"] = "100000",
                    ["RateLimit__WritesPerSecond"] = "100000",
                },
                DatabasePath = sharing?.DatabaseFile,
                WaitFor = Readiness.Live,
            }), silentCollector);
        }
        catch
        {
            silentCollector.Dispose();
            throw;
        }
    }

    /// <summary>The keys of the service's JSON log lines so far (what a Loki <c>| json</c> stage would see, before renaming).</summary>
    public IReadOnlySet<string> LogFieldNames()
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in _process.Output)
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    fields.Add(property.Name);
                }
            }
            catch (JsonException)
            {
                // a line that merely starts with '{'
            }
        }
        return fields;
    }

    public async Task<string> ScrapeAsync() => await Http.GetStringAsync("/metrics");

    public string OutputTail() => _process.OutputTail();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _silentCollector.Dispose();
    }
}

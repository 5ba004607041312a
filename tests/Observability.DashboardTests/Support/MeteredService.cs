using System.Text.Json;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>
/// The real service as a process with the Prometheus endpoint on and JSON logs. OTLP points at a
/// closed port, so every OTLP export fails and <c>crud_telemetry_export_failures_total</c> is
/// exported too.
/// </summary>
public sealed class MeteredService : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private MeteredService(ServiceProcess process) => _process = process;

    public int Port => _process.Port;
    public HttpClient Http => _process.Client;
    public string DatabaseFile => _process.DatabasePath;

    /// <summary>Starts an instance; with <paramref name="sharing"/>, a second instance on that instance's SQLite file.</summary>
    public static async Task<MeteredService> StartAsync(MeteredService? sharing = null) =>
        new(await ServiceProcess.StartAsync(new ServiceOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["Database__TimeoutSeconds"] = "1",
                ["Observability__PrometheusEndpoint"] = "true",
                ["Observability__MetricsExportIntervalMs"] = "1000",
                ["Observability__OtlpEndpoint"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["Logging__Format"] = "json",
                // On, so its meter has series for the dashboards, far above the load's rate.
                ["RateLimit__Enabled"] = "true",
                ["RateLimit__ReadsPerSecond"] = "100000",
                ["RateLimit__WritesPerSecond"] = "100000",
            },
            DatabasePath = sharing?.DatabaseFile,
            WaitFor = Readiness.Live,
        }));

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

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

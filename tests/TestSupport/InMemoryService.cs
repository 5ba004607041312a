using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CrudCqrs.TestSupport;

/// <summary>
/// The real app hosted in memory (WebApplicationFactory, the test server) on its own SQLite file
/// in a fresh temp directory, deleted on dispose; one per test class as an xunit class fixture,
/// or one per test. By default as the API suites need it: telemetry off, rate limiter off, logs
/// at Warning. With <c>captureTelemetry</c> the real OpenTelemetry SDK runs with in-memory
/// exporters (<see cref="Spans"/>, <see cref="Metrics"/>, <see cref="Logs"/>) beside the OTLP
/// ones, which point at a closed port so nothing leaves the machine.
/// </summary>
public class InMemoryService : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly bool _captureTelemetry;
    private int _requestsArrived;

    /// <summary>The defaults (xunit class fixtures need a public parameterless constructor, and only one).</summary>
    public InMemoryService()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <param name="settings">Configuration keys (<c>Auth:Mode</c>) over the defaults; a null value removes a default.</param>
    /// <param name="configureServices">Registrations added after the app's own (startup filters, logging providers, options).</param>
    /// <param name="captureTelemetry">Observability on, with the in-memory exporters and the app's own log lines at Information.</param>
    protected InMemoryService(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null, bool captureTelemetry = false)
    {
        _settings = settings;
        _configureServices = configureServices;
        _captureTelemetry = captureTelemetry;
        DirectoryPath = Path.Combine(Path.GetTempPath(), "crudcqrs-in-memory", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DirectoryPath);
        DatabasePath = Path.Combine(DirectoryPath, "api.db");
    }

    /// <summary>A host with these settings over the defaults; see the constructor's parameters.</summary>
    public static InMemoryService Create(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null, bool captureTelemetry = false) =>
        new(settings, configureServices, captureTelemetry);

    public string DirectoryPath { get; }

    public string DatabasePath { get; }

    /// <summary>Keywords appended to the SQLite connection string, e.g. <c>;Pooling=False</c>.</summary>
    public string ConnectionStringOptions { get; init; } = "";

    public ConcurrentList<Activity> Spans { get; } = new();

    public ConcurrentList<MetricSnapshot> Metrics { get; } = new();

    public ConcurrentList<LogRecord> Logs { get; } = new();

    /// <summary>Requests that reached the server, so a test can tell one the client refused to send from one the server failed.</summary>
    public int RequestsArrived => Volatile.Read(ref _requestsArrived);

    /// <summary>Collects the current cumulative metrics into <see cref="Metrics"/> (cleared first).</summary>
    public IReadOnlyList<MetricSnapshot> CollectMetrics()
    {
        Metrics.Clear();
        Services.GetRequiredService<MeterProvider>().ForceFlush();
        return Metrics.Snapshot();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={DatabasePath}{ConnectionStringOptions}",
            // The suites call fast from one address; the limiter has its own tests.
            ["RateLimit:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // Nothing listens on the discard port: exports fail fast instead of reaching a
            // collector some other program runs on this machine.
            ["Observability:OtlpEndpoint"] = "http://127.0.0.1:9",
        };
        if (_captureTelemetry)
        {
            settings["Logging:LogLevel:CrudCqrs"] = "Information";
        }
        else
        {
            settings["Observability:Enabled"] = "false";
            // Faults must show in test output; expected answers are not logged at Error.
            settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Error";
        }
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            if (value is not null)
            {
                builder.UseSetting(key, value);
            }
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter>(new ArrivalCounter(this));
            if (_captureTelemetry)
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
                services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics, reader =>
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000));
                services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(Logs));
            }
            _configureServices?.Invoke(services);
        });
    }

    /// <remarks>The factory's <c>DisposeAsync</c> ends here too.</remarks>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            DeleteDirectory();
        }
    }

    private void DeleteDirectory()
    {
        // Pooled connections keep the file open; close them before deleting.
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(DirectoryPath))
            {
                Directory.Delete(DirectoryPath, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a file still held by a finalizing connection is left in /tmp.
        }
    }

    private sealed class ArrivalCounter(InMemoryService owner) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                Interlocked.Increment(ref owner._requestsArrived);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

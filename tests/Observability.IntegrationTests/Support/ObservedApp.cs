using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CrudCqrs.Observability.IntegrationTests.Support;

/// <summary>
/// The real host (real SQLite file, real pipeline, real OpenTelemetry SDK) with in-memory
/// exporters added beside the OTLP ones, which point at a closed port so nothing leaves the machine.
/// </summary>
public class ObservedApp : WebApplicationFactory<Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crudcqrs-obs-" + Guid.NewGuid().ToString("N"));

    public ConcurrentList<Activity> Spans { get; } = new();
    public ConcurrentList<MetricSnapshot> Metrics { get; } = new();
    public ConcurrentList<LogRecord> Logs { get; } = new();

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_directory);
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={Path.Combine(_directory, "test.db")}");
        builder.UseSetting("Observability:OtlpEndpoint", "http://127.0.0.1:9");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("RateLimit:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:CrudCqrs", "Information");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics, reader =>
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000));
            services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(Logs));
        });
    }

    /// <summary>Collects the current cumulative metrics into <see cref="Metrics"/> (cleared first).</summary>
    public IReadOnlyList<MetricSnapshot> CollectMetrics()
    {
        Metrics.Clear();
        Services.GetRequiredService<MeterProvider>().ForceFlush();
        return Metrics.Snapshot();
    }

    /// <summary>Sum of a counter, or the number of recordings of a histogram, over the points that carry all <paramref name="tags"/>.</summary>
    public static long Sum(IEnumerable<MetricSnapshot> metrics, string name, params (string Key, object Value)[] tags)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (var point in metric.MetricPoints)
            {
                if (!tags.All(t => HasTag(point, t.Key, t.Value)))
                {
                    continue;
                }
                total += metric.MetricType switch
                {
                    MetricType.Histogram or MetricType.ExponentialHistogram => point.GetHistogramCount(),
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    _ => (long)point.GetSumDouble(),
                };
            }
        }
        return total;
    }

    public static bool HasTag(MetricPoint point, string key, object value)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key && Equals(tag.Value?.ToString(), value.ToString()))
            {
                return true;
            }
        }
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }
}


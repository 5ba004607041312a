using System.Diagnostics;
using System.Diagnostics.Metrics;
using CrudCqrs.Application.Abstractions;

namespace CrudCqrs.Application.Diagnostics;

/// <summary>
/// Owns the service's one <see cref="ActivitySource"/>, its one <see cref="Meter"/> and every
/// instrument. Infrastructure registers <see cref="SourceName"/> and <see cref="MeterName"/> with
/// OpenTelemetry; nothing here depends on the OpenTelemetry SDK.
/// </summary>
public sealed class CrudTelemetry : IDisposable
{
    public const string SourceName = "CrudCqrs";
    public const string MeterName = "CrudCqrs";

    /// <summary>Explicit boundaries, in seconds, from half a millisecond to ten seconds.</summary>
    public static readonly double[] DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public CrudTelemetry(IMeterFactory meterFactory, StoreInfo store)
    {
        DbType = store.Type;
        ActivitySource = new ActivitySource(SourceName, typeof(CrudTelemetry).Assembly.GetName().Version?.ToString());
        Meter = meterFactory.Create(MeterName);
        OperationDuration = Meter.CreateHistogram<double>(
            "crud.operation.duration", unit: "s", description: "Duration of CRUD operations, validation failures included",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        OperationCount = Meter.CreateCounter<long>(
            "crud.operation.count", unit: "{operation}", description: "CRUD operations, by outcome");
        OperationErrors = Meter.CreateCounter<long>(
            "crud.operation.errors", unit: "{error}", description: "Failed CRUD operations, by error category");
        CascadeDeleteCount = Meter.CreateHistogram<long>(
            "crud.cascade.delete.count", unit: "{resource}", description: "Resources deleted by one cascade delete",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000, 10000] });
        WriteBatchSize = Meter.CreateHistogram<long>(
            "crud.write.batch.size", unit: "{write}", description: "Writes carried by one group-commit transaction (SQLite)",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        TelemetryExportFailures = Meter.CreateCounter<long>(
            "crud.telemetry.export.failures", unit: "{export}", description: "Failed OTLP exports, by signal");
    }

    /// <summary><c>db.type</c> on every span, metric and log: <c>sqlite</c> or <c>mongodb</c>.</summary>
    public string DbType { get; }

    public ActivitySource ActivitySource { get; }
    public Meter Meter { get; }
    public Histogram<double> OperationDuration { get; }
    public Counter<long> OperationCount { get; }
    public Counter<long> OperationErrors { get; }

    /// <summary>
    /// <c>crud.resources.total</c>: the count the store keeps, read at every collection, so any
    /// number of instances report the same true value (aggregate with <c>max</c>, not <c>sum</c>).
    /// <paramref name="readStoredCount"/> returns null when the store cannot answer: no point then.
    /// </summary>
    public ObservableGauge<long> ObserveStoredResourceCount(Func<long?> readStoredCount)
    {
        var dbType = new KeyValuePair<string, object?>("db.type", DbType);
        return Meter.CreateObservableGauge("crud.resources.total",
            () => readStoredCount() is long count ? [new Measurement<long>(count, dbType)] : Array.Empty<Measurement<long>>(),
            unit: "{resource}", description: "Resources currently stored (the store's own count)");
    }
    public Histogram<long> CascadeDeleteCount { get; }

    /// <summary>How many writes shared one transaction and one flush (SQLite group commit).</summary>
    public Histogram<long> WriteBatchSize { get; }

    /// <summary>The telemetry pipeline's own health: OTLP exports that failed, by <c>signal</c>.</summary>
    public Counter<long> TelemetryExportFailures { get; }

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}

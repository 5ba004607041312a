using System.Diagnostics;
using System.Globalization;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Infrastructure.Observability;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CrudCqrs.Benchmarks;

/// <summary>
/// The in-memory read of <see cref="PipelineBenchmarks"/> through the service's pipeline with the real
/// SDK behind it, as the service configures it: every span sampled, batch processors with the service's
/// queue and batch sizes, the service's meter with a metric reader and its exemplar filter, both
/// operation lines through the SDK's logger. A request span is the operation's parent, as in the
/// service. Exporters discard what they get: exporting is not what is measured. The SDK's own meter
/// (exported by the service) is left out: it counts once per export batch, not per read.
/// </summary>
public sealed class TelemetryRig : IDisposable
{
    private static readonly ActivitySource RequestSource = new(CrudTelemetry.SourceName);

    private readonly ServiceProvider _services;
    private readonly IServiceScope[] _scopes;
    private readonly TracerProvider? _tracing;
    private readonly MeterProvider? _metrics;
    private readonly InMemoryReadQuery _query = new(InMemoryStore.KnownId);
    private readonly int _exportBatch;

    /// <summary>The service's batch sizes and queue sizes (<see cref="ObservabilitySettings.SdkDefaults"/>); the schedule delays are the SDK's, as in the service.</summary>
    public static int ServiceDefault(string setting) => int.Parse(ObservabilitySettings.SdkDefaults[setting]!, CultureInfo.InvariantCulture);

    public TelemetryRig(TelemetryMode mode, int threads, int exportBatch)
    {
        _exportBatch = exportBatch;
        var spans = mode is TelemetryMode.On or TelemetryMode.OnHistogramExemplarsOnly or TelemetryMode.SpansOnly or TelemetryMode.SpansOnlyQueuePerThread;
        var metrics = mode is TelemetryMode.On or TelemetryMode.OnHistogramExemplarsOnly or TelemetryMode.MetricsOnly;
        var logs = mode is TelemetryMode.On or TelemetryMode.OnHistogramExemplarsOnly or TelemetryMode.LogsOnly;
        // The SDK reads these when the meter provider is built, as in the service.
        Environment.SetEnvironmentVariable("OTEL_METRICS_EXEMPLAR_FILTER",
            mode == TelemetryMode.OnHistogramExemplarsOnly ? "always_off" : "trace_based");
        Environment.SetEnvironmentVariable("OTEL_DOTNET_EXPERIMENTAL_METRICS_EXEMPLAR_FILTER_HISTOGRAMS",
            mode == TelemetryMode.OnHistogramExemplarsOnly ? "trace_based" : null);

        var services = new ServiceCollection().AddBenchMediator().AddUnusedStore();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            if (logs)
            {
                logging.AddOpenTelemetry(options =>
                {
                    options.IncludeScopes = true;
                    options.IncludeFormattedMessage = true;
                    options.ParseStateValues = true;
                    options.AddProcessor(new BatchLogRecordExportProcessor(new DiscardingExporter<LogRecord>(),
                        maxQueueSize: ServiceDefault("OTEL_BLRP_MAX_QUEUE_SIZE"), maxExportBatchSize: exportBatch));
                });
            }
        });
        _services = services.BuildServiceProvider();
        if (spans)
        {
            _tracing = Sdk.CreateTracerProviderBuilder()
                .AddSource(CrudTelemetry.SourceName)
                .SetSampler(new AlwaysOnSampler())
                .AddProcessor(mode == TelemetryMode.SpansOnlyQueuePerThread
                    ? new QueuePerThread(threads, SpanQueue)
                    : SpanQueue())
                .Build();
        }
        if (metrics)
        {
            _metrics = Sdk.CreateMeterProviderBuilder()
                .AddMeter(CrudTelemetry.MeterName)
                .AddReader(new PeriodicExportingMetricReader(new DiscardingExporter<Metric>(), exportIntervalMilliseconds: 60_000))
                .Build();
        }
        _scopes = Enumerable.Range(0, threads).Select(_ => _services.CreateScope()).ToArray();
    }

    private BatchActivityExportProcessor SpanQueue() => new(new DiscardingExporter<Activity>(),
        maxQueueSize: ServiceDefault("OTEL_BSP_MAX_QUEUE_SIZE"), maxExportBatchSize: _exportBatch);

    /// <summary>Reads on every thread at once until <paramref name="duration"/> has passed; returns how many.</summary>
    public long ReadFor(TimeSpan duration)
    {
        var counts = new long[_scopes.Length];
        var workers = new Thread[_scopes.Length];
        using var start = new ManualResetEventSlim();
        for (var index = 0; index < workers.Length; index++)
        {
            var mediator = _scopes[index].ServiceProvider.GetRequiredService<IMediator>();
            var slot = index;
            workers[index] = new Thread(() =>
            {
                start.Wait();
                var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
                long reads = 0;
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    for (var batch = 0; batch < 64; batch++)
                    {
                        using var request = RequestSource.StartActivity("GET /bench");
                        mediator.Send(_query, CancellationToken.None).GetAwaiter().GetResult();
                    }
                    reads += 64;
                }
                counts[slot] = reads;
            });
            workers[index].Start();
        }
        start.Set();
        foreach (var worker in workers)
        {
            worker.Join();
        }
        return counts.Sum();
    }

    public void Dispose()
    {
        foreach (var scope in _scopes)
        {
            scope.Dispose();
        }
        _tracing?.Dispose();
        _metrics?.Dispose();
        _services.Dispose();
    }

    /// <summary>Hands each thread's spans to a queue of that thread's own, assigned at its first span.</summary>
    private sealed class QueuePerThread(int count, Func<BaseProcessor<Activity>> create) : BaseProcessor<Activity>
    {
        [ThreadStatic]
        private static int t_queue;

        private readonly BaseProcessor<Activity>[] _queues = Enumerable.Range(0, count).Select(_ => create()).ToArray();
        private int _assigned;

        public override void OnEnd(Activity data)
        {
            if (t_queue == 0)
            {
                t_queue = Interlocked.Increment(ref _assigned);
            }
            _queues[(t_queue - 1) % _queues.Length].OnEnd(data);
        }

        protected override bool OnForceFlush(int timeoutMilliseconds) => _queues.All(queue => queue.ForceFlush(timeoutMilliseconds));

        protected override bool OnShutdown(int timeoutMilliseconds) => _queues.All(queue => queue.Shutdown(timeoutMilliseconds));

        protected override void Dispose(bool disposing)
        {
            foreach (var queue in _queues)
            {
                queue.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class DiscardingExporter<T> : BaseExporter<T>
        where T : class
    {
        public override ExportResult Export(in Batch<T> batch)
        {
            foreach (var _ in batch)
            {
            }
            return ExportResult.Success;
        }
    }
}

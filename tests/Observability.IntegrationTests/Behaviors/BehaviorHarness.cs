using System.Diagnostics;
using System.Diagnostics.Metrics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CrudCqrs.Observability.IntegrationTests.Behaviors;

/// <summary>One behavior at a time, with the real SDK and in-memory exporters, and no host around it.</summary>
public sealed class BehaviorHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metering;

    public BehaviorHarness()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        // A meter name unique to this harness keeps parallel tests from seeing each other's measurements.
        Telemetry = new CrudTelemetry(_services.GetRequiredService<IMeterFactory>(), new StoreInfo("sqlite"));
        _tracing = Sdk.CreateTracerProviderBuilder().AddSource(CrudTelemetry.SourceName).AddInMemoryExporter(Spans).Build()!;
        _metering = Sdk.CreateMeterProviderBuilder()
            .AddMeter(CrudTelemetry.MeterName)
            .AddInMemoryExporter(Metrics)
            .Build()!;
        // Recorded, or the parent-based sampler would drop every child.
        Parent = new Activity("test-parent") { ActivityTraceFlags = ActivityTraceFlags.Recorded };
        Parent.SetIdFormat(ActivityIdFormat.W3C);
        Parent.Start();
    }

    public CrudTelemetry Telemetry { get; }
    public ConcurrentList<Activity> Spans { get; } = new();
    public ConcurrentList<MetricSnapshot> Metrics { get; } = new();

    /// <summary>Each test runs under its own parent, so its spans can be told apart from parallel tests'.</summary>
    public Activity Parent { get; }

    public IEnumerable<Activity> OwnSpans => Spans.Snapshot().Where(s => s.TraceId == Parent.TraceId);

    public IReadOnlyList<MetricSnapshot> CollectMetrics()
    {
        Metrics.Clear();
        _metering.ForceFlush();
        // Other tests' harnesses share the meter name: keep only this harness's meter instance.
        return Metrics.Snapshot().Where(m => m.MeterName == CrudTelemetry.MeterName).ToArray();
    }

    public void Dispose()
    {
        Parent.Stop();
        _tracing.Dispose();
        _metering.Dispose();
        Telemetry.Dispose();
        _services.Dispose();
    }
}

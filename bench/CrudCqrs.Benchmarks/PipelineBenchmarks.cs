using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Behaviors;
using CrudCqrs.Application.Diagnostics;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrudCqrs.Benchmarks;

[Operation("ping_resource", "read")]
public sealed record PingQuery(string Id) : IQuery<PingResult>;

public sealed record PingResult(string Id);

/// <summary>A handler with no I/O, so the benchmark shows the pipeline, not a store.</summary>
public sealed class PingHandler : IQueryHandler<PingQuery, PingResult>
{
    public ValueTask<PingResult> Handle(PingQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(new PingResult(query.Id));
}

public sealed class PingValidator : AbstractValidator<PingQuery>
{
    public PingValidator() => RuleFor(q => q.Id).NotEmpty();
}

/// <summary>
/// One request through Tracing → Metrics → Logging → Validation → handler, against the handler
/// called directly; without any telemetry listener, and with listeners that sample everything.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PipelineBenchmarks
{
    private readonly PingQuery _query = new("01a214cd-0bb2-7fa3-9e80-692a3afff8bd");
    private ServiceProvider _services = null!;
    private IServiceScope _scope = null!;
    private IMediator _mediator = null!;
    private PingHandler _handler = null!;
    private ActivityListener? _activityListener;
    private MeterListener? _meterListener;

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(new StoreInfo("sqlite"));
        services.AddSingleton<CrudTelemetry>();
        services.AddSingleton<IValidator<PingQuery>, PingValidator>();
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(PingQuery)];
            options.PipelineBehaviors =
            [
                typeof(TracingBehavior<,>),
                typeof(MetricsBehavior<,>),
                typeof(LoggingBehavior<,>),
                typeof(ValidationBehavior<,>),
            ];
        });
        _services = services.BuildServiceProvider();
        _scope = _services.CreateScope();
        _mediator = _scope.ServiceProvider.GetRequiredService<IMediator>();
        _handler = new PingHandler();

        if (Listening)
        {
            _activityListener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == CrudTelemetry.SourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            };
            ActivitySource.AddActivityListener(_activityListener);
            _meterListener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == CrudTelemetry.MeterName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _meterListener.SetMeasurementEventCallback<double>((_, _, _, _) => { });
            _meterListener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
            _meterListener.Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _activityListener?.Dispose();
        _meterListener?.Dispose();
        _scope.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<PingResult> HandlerDirectly() => _handler.Handle(_query, CancellationToken.None);

    [Benchmark]
    public ValueTask<PingResult> ThroughAllBehaviors() => _mediator.Send(_query, CancellationToken.None);
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using CrudCqrs.Application;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Behaviors;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Application.Resources.GetResource;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CrudCqrs.Benchmarks;

/// <summary>A read served from memory, so the pipeline's own cost is what is measured.</summary>
[Operation("bench_read", "read")]
public sealed record InMemoryReadQuery(Guid Id) : IQuery<InMemoryItem>;

/// <summary>The same read with a FluentValidation validator, as list, search, create and update have.</summary>
[Operation("bench_validated_read", "read")]
public sealed record ValidatedReadQuery(Guid Id) : IQuery<InMemoryItem>;

public sealed record InMemoryItem(Guid Id, string Name);

public sealed class InMemoryStore
{
    public static readonly Guid KnownId = Guid.Parse("019abcde-0000-7000-8000-000000000001");
    public readonly Dictionary<Guid, InMemoryItem> Items = new() { [KnownId] = new InMemoryItem(KnownId, "bench") };
}

public sealed class InMemoryReadHandler(InMemoryStore store) : IQueryHandler<InMemoryReadQuery, InMemoryItem>
{
    public ValueTask<InMemoryItem> Handle(InMemoryReadQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(store.Items[query.Id]);
}

public sealed class ValidatedReadHandler(InMemoryStore store) : IQueryHandler<ValidatedReadQuery, InMemoryItem>
{
    public ValueTask<InMemoryItem> Handle(ValidatedReadQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(store.Items[query.Id]);
}

public sealed class ValidatedReadValidator : AbstractValidator<ValidatedReadQuery>
{
    public ValidatedReadValidator() => RuleFor(q => q.Id).NotEmpty();
}

/// <summary>
/// The host's mediator setup (same behaviors, same order as src/Api/Program.cs), generated for
/// this app, plus what the behaviors need.
/// </summary>
public static class BenchServices
{
    public static IServiceCollection AddBenchMediator(this IServiceCollection services)
    {
        services.AddLogging();
        services.AddApplication();
        services.AddSingleton<InMemoryStore>();
        services.AddSingleton<IValidator<ValidatedReadQuery>, ValidatedReadValidator>();
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(InMemoryReadQuery), typeof(GetResourceQuery)];
            options.PipelineBehaviors =
            [
                typeof(TracingBehavior<,>),
                typeof(MetricsBehavior<,>),
                typeof(LoggingBehavior<,>),
                typeof(IdempotencyBehavior<,>),
                typeof(ValidationBehavior<,>),
            ];
        });
        return services;
    }

    /// <summary>The store ports the real handlers' constructors need, for reads served from memory.</summary>
    public static IServiceCollection AddUnusedStore(this IServiceCollection services) => services
        .AddSingleton<UnusedRepository>()
        .AddSingleton<IResourceRepository>(provider => provider.GetRequiredService<UnusedRepository>())
        .AddSingleton<IIdempotencyStore>(provider => provider.GetRequiredService<UnusedRepository>())
        .AddSingleton(new StoreInfo("memory"));
}

/// <summary>
/// What an SDK does when telemetry is on: samples every span with all data, and listens to every
/// instrument of the service's meter. Measurements are summed, so the callbacks are not optimized away.
/// </summary>
public sealed class TelemetryListener : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private double _sum;

    public TelemetryListener()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CrudTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _sum += activity.Duration.Ticks,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CrudTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((_, value, _, _) => _sum += value);
        _meters.SetMeasurementEventCallback<long>((_, value, _, _) => _sum += value);
        _meters.Start();
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}

/// <summary>
/// A request through Tracing, Metrics, Logging, Idempotency and Validation against the same handler called
/// directly. Logging has no provider (as with the host's level above Information, nothing is written).
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private ServiceProvider _services = null!;
    private IServiceScope _scope = null!;
    private IMediator _mediator = null!;
    private InMemoryReadHandler _handler = null!;
    private ValidatedReadHandler _validatedHandler = null!;
    private TelemetryListener? _listener;
    private readonly InMemoryReadQuery _query = new(InMemoryStore.KnownId);
    private readonly ValidatedReadQuery _validatedQuery = new(InMemoryStore.KnownId);

    [Params(false, true)]
    public bool Listener { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddBenchMediator().AddUnusedStore().BuildServiceProvider();
        _scope = _services.CreateScope();
        _mediator = _scope.ServiceProvider.GetRequiredService<IMediator>();
        var store = _services.GetRequiredService<InMemoryStore>();
        _handler = new InMemoryReadHandler(store);
        _validatedHandler = new ValidatedReadHandler(store);
        _listener = Listener ? new TelemetryListener() : null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _scope.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<InMemoryItem> HandlerDirect() => _handler.Handle(_query, CancellationToken.None);

    [Benchmark]
    public ValueTask<InMemoryItem> ThroughPipeline() => _mediator.Send(_query, CancellationToken.None);

    [Benchmark]
    public ValueTask<InMemoryItem> ValidatedHandlerDirect() => _validatedHandler.Handle(_validatedQuery, CancellationToken.None);

    [Benchmark]
    public ValueTask<InMemoryItem> ValidatedThroughPipeline() => _mediator.Send(_validatedQuery, CancellationToken.None);
}

/// <summary>Satisfies the real handlers' constructor in the in-memory suite; never called there.</summary>
internal sealed class UnusedRepository : IResourceRepository, IIdempotencyStore
{
    public Task<IdempotencyRecord?> FindAsync(string scope, string key, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<int> SweepExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    public string StoreType => "memory";
    public Task<IWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<Domain.Resources.Resource?> FindAsync(Guid id, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<ResourcePage> ListAsync(int offset, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<ResourcePage> ListAfterAsync(ResourceCursor after, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<SearchPage> SearchAsync(string? text, int offset, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<SearchPage> SearchAfterAsync(string? text, long afterPosition, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<long> CountAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlySet<Guid>> FindExistingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>> LoadReachableDependenciesAsync(IReadOnlyCollection<Guid> roots, Guid stopAt, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<Guid>> FindTransitiveDependentsAsync(Guid id, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task AddAsync(Domain.Resources.Resource resource, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task UpdateAsync(Domain.Resources.Resource resource, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<int> DeleteAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
}

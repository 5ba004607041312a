using System.Diagnostics;
using System.Diagnostics.Metrics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.IntegrationTests.Persistence;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using CrudCqrs.Application.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Infrastructure.IntegrationTests.Sqlite;

/// <summary>
/// The group-commit writer on a real SQLite file: a write finding the writer idle runs alone at once;
/// writes queued behind it share the next batch, each
/// in its own savepoint; a refused one rolls back alone; nobody is acknowledged before the batch
/// commits; the batch span links the operations and its size is recorded.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    private SqliteHarness _harness = null!;
    private ServiceProvider _services = null!;
    private CrudTelemetry _telemetry = null!;
    private SqliteGroupCommit _groupCommit = null!;

    public async Task InitializeAsync()
    {
        _harness = await SqliteHarness.CreateAsync(timeoutSeconds: 5);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _telemetry = new CrudTelemetry(_services.GetRequiredService<IMeterFactory>(), new StoreInfo("sqlite"));
        _groupCommit = new SqliteGroupCommit(_harness.ConnectionString, telemetry: _telemetry);
    }

    public async Task DisposeAsync()
    {
        await _groupCommit.DisposeAsync();
        _telemetry.Dispose();
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        await _harness.DisposeAsync();
    }

    private SqliteResourceRepository Repository(int timeoutSeconds = 5) =>
        new(_harness.Database.ReadPool, _groupCommit, Options.Create(new DatabaseOptions { TimeoutSeconds = timeoutSeconds }), new IdempotencyContext());

    private static Resource NewResource(string name, params Guid[] dependencies) =>
        Resource.Create(Guid.CreateVersion7(), name, null, dependencies, T0);

    [Fact]
    public async Task Writes_queued_behind_a_lone_write_share_a_batch_a_refused_one_rolls_back_alone_and_none_is_acknowledged_before_the_commit()
    {
        var batches = new List<Activity>();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CrudTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.OperationName == "sqlite.write_batch") { lock (batches) { batches.Add(activity); } } },
        };
        ActivitySource.AddActivityListener(spans);
        var sizes = new List<long>();
        using var meter = new MeterListener
        {
            InstrumentPublished = (instrument, listener) => { if (instrument.Name == "crud.write.batch.size") { listener.EnableMeasurementEvents(instrument); } },
        };
        meter.SetMeasurementEventCallback<long>((_, value, _, _) => { lock (sizes) { sizes.Add(value); } });
        meter.Start();

        var (a, b, c, d) = (Repository(), Repository(), Repository(), Repository());
        using var operation = new Activity("operation").Start();
        // Nothing queued and the writer idle: the first write runs at once, alone.
        var lone = await a.BeginWriteAsync(None);
        // Queued while the lone write holds the connection: they wait for it, then share one batch.
        var second = b.BeginWriteAsync(None);
        var third = c.BeginWriteAsync(None);
        var fourth = d.BeginWriteAsync(None);
        await Task.Delay(100);
        Assert.False(second.IsCompleted, "a queued write must not start while the lone write holds the connection");

        var resourceA = NewResource("a");
        await a.AddAsync(resourceA, None);
        await lone.CommitAsync(None);
        await lone.DisposeAsync();
        Assert.Equal(1, await _harness.CreateRepository().CountAsync(None));

        await using (var unit = await second)
        {
            var resourceB = NewResource("b", resourceA.Id);
            await b.AddAsync(resourceB, None);
            var secondCommitted = unit.CommitAsync(None);
            await Task.Delay(200);
            Assert.False(secondCommitted.IsCompleted, "a write must not be acknowledged before its batch commits");

            await using (var refused = await third)
            {
                // The database refuses a dependency on a resource that does not exist: only this savepoint rolls back.
                await Assert.ThrowsAnyAsync<Exception>(() => c.AddAsync(NewResource("c", Guid.CreateVersion7()), None));
            }

            await using (var last = await fourth)
            {
                await d.AddAsync(NewResource("d"), None);
                await last.CommitAsync(None);
            }
            await secondCommitted.WaitAsync(TimeSpan.FromSeconds(5));
        }

        var reader = _harness.CreateRepository();
        Assert.Equal(3, await reader.CountAsync(None));
        Assert.Equal(["a", "b", "d"], (await reader.SearchAsync(null, 0, 100, None)).Items.Select(r => r.Name).Order().ToArray());

        meter.RecordObservableInstruments();
        Assert.Equal([1L, 3L], sizes.Order().ToArray());
        // The lone write ran in its operation's own flow: only the batch has a span of its own.
        var batch = Assert.Single(batches);
        Assert.Equal(3, batch.GetTagItem("write.batch.size"));
        Assert.Equal(ActivityKind.Internal, batch.Kind);
        Assert.NotEqual(operation.TraceId, batch.TraceId);
        Assert.Equal(3, batch.Links.Count(l => l.Context.TraceId == operation.TraceId));
        Assert.Equal(2, batch.GetTagItem("write.batch.committed"));
    }

    [Fact]
    public async Task A_lone_write_commits_at_once_in_a_transaction_of_its_own()
    {
        var repository = Repository();
        var stopwatch = Stopwatch.StartNew();
        await using (var unit = await repository.BeginWriteAsync(None))
        {
            await repository.AddAsync(NewResource("alone"), None);
            await unit.CommitAsync(None);
        }
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Equal(1, await _harness.CreateRepository().CountAsync(None));
    }

    [Fact]
    public async Task A_write_that_waits_past_the_timeout_gets_store_unavailable_and_never_runs()
    {
        var holder = Repository();
        var late = Repository(timeoutSeconds: 1);
        var held = await holder.BeginWriteAsync(None);

        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => late.BeginWriteAsync(None));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(6));

        await holder.AddAsync(NewResource("held"), None);
        await held.CommitAsync(None);
        await held.DisposeAsync();

        // The abandoned write was skipped, and the writer goes on serving others.
        var next = Repository();
        await using (var unit = await next.BeginWriteAsync(None))
        {
            await next.AddAsync(NewResource("after"), None);
            await unit.CommitAsync(None);
        }
        Assert.Equal(2, await _harness.CreateRepository().CountAsync(None));
    }
}

using System.Diagnostics;
using System.Threading.Channels;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Group commit (ADR 009): one writer owns a connection and carries the writes waiting in this
/// process in one <c>BEGIN IMMEDIATE</c> transaction, each inside its own savepoint, then commits
/// once, so one disk flush covers them all, and only then lets each caller answer. A refused write
/// rolls back to its savepoint alone. The writer takes what is queued when it becomes free and
/// never waits to gather more, so a lone write commits at once.
/// </summary>
public sealed class SqliteGroupCommit : IAsyncDisposable
{
    /// <summary>Bounds how long the first write of a batch waits for the last one's turn.</summary>
    public const int MaxBatchSize = 128;

    private readonly Channel<SqliteWriteUnit> _queue =
        Channel.CreateUnbounded<SqliteWriteUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DbContextOptions<ResourceDbContext> _options;
    private readonly CrudTelemetry? _telemetry;
    private readonly ILogger _logger;
    private readonly Lock _startLock = new();
    private Task? _writer;

    public SqliteGroupCommit(DbContextOptions<ResourceDbContext> options, CrudTelemetry? telemetry = null, ILogger<SqliteGroupCommit>? logger = null)
    {
        _options = options;
        _telemetry = telemetry;
        _logger = logger ?? NullLogger<SqliteGroupCommit>.Instance;
    }

    /// <summary>Queues a write and waits for its turn in a batch; 503 (<see cref="StoreUnavailableException"/>) after <paramref name="timeout"/>.</summary>
    public async Task<(SqliteWriteUnit Unit, ResourceDbContext Db)> EnterAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        EnsureWriterStarted();
        var unit = new SqliteWriteUnit(Activity.Current?.Context ?? default);
        if (!_queue.Writer.TryWrite(unit))
        {
            throw new StoreUnavailableException("The service is stopping; the write was not started.");
        }
        try
        {
            return (unit, await unit.Started.WaitAsync(timeout, cancellationToken));
        }
        catch (TimeoutException) when (unit.TryAbandon())
        {
            throw new StoreUnavailableException($"No write slot became free within {timeout.TotalSeconds:0} s.");
        }
        catch (OperationCanceledException) when (unit.TryAbandon())
        {
            throw;
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // The writer claimed the unit just as the wait ended: its turn is starting, take it.
            return (unit, await unit.Started);
        }
    }

    private void EnsureWriterStarted()
    {
        if (_writer is not null)
        {
            return;
        }
        lock (_startLock)
        {
            if (_writer is null)
            {
                // The writer must not inherit the first caller's trace context: its batch span is a root that links operations.
                using (ExecutionContext.SuppressFlow())
                {
                    _writer = Task.Run(RunAsync);
                }
            }
        }
    }

    private async Task RunAsync()
    {
        await using var db = new ResourceDbContext(_options);
        while (await _queue.Reader.WaitToReadAsync())
        {
            try
            {
                await RunBatchAsync(db);
            }
            catch (Exception exception)
            {
                // RunBatchAsync answers every unit it took; this only keeps the writer alive for the next batch.
                _logger.LogError(exception, "The SQLite group-commit writer failed a batch");
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task RunBatchAsync(ResourceDbContext db)
    {
        IDbContextTransaction transaction;
        try
        {
            // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the batch holds the file's write
            // lock from its first read, against other processes too; their lock is waited for up
            // to the connection's busy timeout (Database__TimeoutSeconds).
            transaction = await db.Database.BeginTransactionAsync();
        }
        catch (Exception exception)
        {
            var failure = Unavailable("The write transaction could not begin", exception);
            while (_queue.Reader.TryRead(out var waiting))
            {
                waiting.Refuse(failure);
            }
            return;
        }

        using var span = _telemetry?.ActivitySource.StartActivity("sqlite.write_batch", ActivityKind.Internal, parentContext: default);
        var kept = new List<SqliteWriteUnit>();
        var carried = 0;
        Exception? broken = null;
        await using (transaction)
        {
            while (carried < MaxBatchSize && broken is null && _queue.Reader.TryRead(out var unit))
            {
                if (!unit.TryClaim())
                {
                    continue;
                }
                carried++;
                if (unit.Origin != default)
                {
                    span?.AddLink(new ActivityLink(unit.Origin));
                }
                broken = await RunUnitAsync(db, transaction, unit, $"w{carried}", kept);
            }

            if (broken is null && kept.Count > 0)
            {
                try
                {
                    await transaction.CommitAsync();
                }
                catch (Exception exception)
                {
                    broken = Unavailable("The write batch could not commit", exception);
                }
            }
        }
        db.ChangeTracker.Clear();

        foreach (var unit in kept)
        {
            if (broken is null)
            {
                unit.Acknowledge();
            }
            else
            {
                unit.Fail(broken);
            }
        }
        span?.SetTag("write.batch.size", carried);
        span?.SetTag("write.batch.committed", broken is null ? kept.Count : 0);
        if (broken is not null)
        {
            span?.SetStatus(ActivityStatusCode.Error, broken.Message);
        }
        if (carried > 0)
        {
            _telemetry?.WriteBatchSize.Record(carried);
        }
    }

    /// <summary>Runs one caller's write inside a savepoint; returns the failure that ends the batch, if any.</summary>
    private static async Task<Exception?> RunUnitAsync(
        ResourceDbContext db, IDbContextTransaction transaction, SqliteWriteUnit unit, string savepoint, List<SqliteWriteUnit> kept)
    {
        try
        {
            await transaction.CreateSavepointAsync(savepoint);
        }
        catch (Exception exception)
        {
            var failure = Unavailable("The write could not start", exception);
            unit.Refuse(failure);
            return failure;
        }

        unit.Start(db);
        var keep = await unit.Finished;
        try
        {
            if (!keep)
            {
                await transaction.RollbackToSavepointAsync(savepoint);
            }
            await transaction.ReleaseSavepointAsync(savepoint);
            db.ChangeTracker.Clear();
        }
        catch (Exception exception)
        {
            // SQLite may have rolled the whole transaction back (a full disk, an I/O error): nothing
            // in this batch can be acknowledged.
            var failure = Unavailable("The write batch was rolled back", exception);
            if (keep)
            {
                unit.Fail(failure);
            }
            return failure;
        }
        if (keep)
        {
            kept.Add(unit);
        }
        return null;
    }

    private static StoreUnavailableException Unavailable(string what, Exception exception) =>
        new($"{what}: {SqliteFailures.Describe(exception)}", exception);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is { } writer)
        {
            // Batches in flight finish and answer their callers before the connection closes.
            await writer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

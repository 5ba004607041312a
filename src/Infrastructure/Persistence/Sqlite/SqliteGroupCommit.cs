using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
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
/// rolls back to its savepoint alone. A write that finds the connection free and nothing queued
/// runs at once in the caller's own flow, in a transaction of its own (ADR 014), so a lone write
/// pays for no hand-off; writes arriving meanwhile queue and go in the next batch.
/// </summary>
public sealed class SqliteGroupCommit : IAsyncDisposable
{
    /// <summary>Bounds how long the first write of a batch waits for the last one's turn.</summary>
    public const int MaxBatchSize = 128;

    // Not SingleReader: that channel cannot count what it holds, and a lone write must see the queue empty.
    private readonly Channel<SqliteWriteUnit> _queue = Channel.CreateUnbounded<SqliteWriteUnit>();
    private readonly DbContextOptions<ResourceDbContext> _options;
    private readonly CrudTelemetry? _telemetry;
    private readonly ILogger _logger;
    private readonly Lock _startLock = new();

    /// <summary>Held by whoever uses the writer's connection: a lone write or the batch loop.</summary>
    private readonly SemaphoreSlim _connection = new(1, 1);
    private Task? _writer;
    private ResourceDbContext? _db;
    /// <summary>Prepared once when the connection stays open; else per transaction.</summary>
    private SqliteWriteStatements? _statements;

    /// <summary>
    /// False with <c>Pooling=False</c>: every transaction opens the file anew, as the read pool
    /// does, so a file replaced or removed under the service is noticed rather than written past.
    /// </summary>
    private bool _keepOpen;

    public SqliteGroupCommit(DbContextOptions<ResourceDbContext> options, CrudTelemetry? telemetry = null, ILogger<SqliteGroupCommit>? logger = null)
    {
        _options = options;
        _telemetry = telemetry;
        _logger = logger ?? NullLogger<SqliteGroupCommit>.Instance;
    }

    /// <summary>
    /// The caller's turn to write: at once on an idle writer, else queued for the next batch;
    /// 503 (<see cref="StoreUnavailableException"/>) after <paramref name="timeout"/> in the queue.
    /// </summary>
    public async Task<ISqliteWriteTurn> EnterAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        EnsureWriterStarted();
        if (_queue.Reader.Count == 0 && _connection.Wait(0))
        {
            return await BeginLoneWriteAsync(cancellationToken);
        }
        var unit = new SqliteWriteUnit(Activity.Current?.Context ?? default);
        if (!_queue.Writer.TryWrite(unit))
        {
            throw new StoreUnavailableException("The service is stopping; the write was not started.");
        }
        try
        {
            await unit.Started.WaitAsync(timeout, cancellationToken);
            return unit;
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
            await unit.Started;
            return unit;
        }
    }

    private async Task<ISqliteWriteTurn> BeginLoneWriteAsync(CancellationToken cancellationToken)
    {
        var db = _db!;
        try
        {
            // BEGIN IMMEDIATE, as a batch does: the write lock against other processes is taken first.
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var statements = StatementsFor(db);
            _telemetry?.WriteBatchSize.Record(1);
            return new SqliteLoneWrite(db, statements, transaction, () =>
            {
                DoneWith(statements);
                ReleaseConnection();
            });
        }
        catch (Exception exception)
        {
            ReleaseConnection();
            if (exception is OperationCanceledException)
            {
                throw;
            }
            throw Unavailable("The write transaction could not begin", exception);
        }
    }

    private void ReleaseConnection() => _connection.Release();

    /// <summary>The create's statements on the writer's connection, open in a transaction now.</summary>
    private SqliteWriteStatements StatementsFor(ResourceDbContext db) =>
        _keepOpen ? _statements! : new SqliteWriteStatements((SqliteConnection)db.Database.GetDbConnection());

    private void DoneWith(SqliteWriteStatements statements)
    {
        if (!_keepOpen)
        {
            statements.Dispose();
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
                var db = new ResourceDbContext(_options);
                try
                {
                    // Opened once and kept open: EF Core would otherwise close it after every
                    // transaction, and the prepared statements would go with it.
                    _keepOpen = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).Pooling;
                    if (_keepOpen)
                    {
                        db.Database.OpenConnection();
                        _statements = new SqliteWriteStatements((SqliteConnection)db.Database.GetDbConnection());
                    }
                }
                catch (Exception exception)
                {
                    db.Dispose();
                    throw Unavailable("The write connection could not open", exception);
                }
                _db = db;
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
        var db = _db!;
        while (await _queue.Reader.WaitToReadAsync())
        {
            // A lone write in progress finishes first; what queued behind it forms this batch.
            await _connection.WaitAsync();
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
            finally
            {
                _connection.Release();
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
        var statements = StatementsFor(db);
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
                broken = await RunUnitAsync(db, statements, transaction, unit, $"w{carried}", kept);
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
        DoneWith(statements);
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
        ResourceDbContext db, SqliteWriteStatements statements, IDbContextTransaction transaction, SqliteWriteUnit unit, string savepoint, List<SqliteWriteUnit> kept)
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

        unit.Start(db, statements);
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
        // So does a lone write.
        if (await _connection.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            _statements?.Dispose();
            if (_db is { } db)
            {
                await db.DisposeAsync();
            }
        }
    }
}

using System.Diagnostics;
using System.Threading.Channels;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The process's one writer (ADR 009, 014). A write that finds the writer's session free and
/// nothing queued runs at once in its caller's flow, in a transaction of its own. Writes arriving
/// meanwhile queue; the writer then carries them in one <c>BEGIN IMMEDIATE</c> transaction, each
/// inside its own savepoint, commits once (one flush covers them all) and only then lets each
/// caller answer. A write dropped by its caller (a refusal, a failure) rolls back to its savepoint alone. With batching off
/// (<c>Database__GroupCommit=false</c>) every write waits for the session and runs alone.
/// </summary>
public sealed class SqliteGroupCommit(
    string connectionString, SqliteSynchronous synchronous = SqliteSynchronous.Full, bool batching = true,
    CrudTelemetry? telemetry = null, ILogger<SqliteGroupCommit>? logger = null) : IAsyncDisposable
{
    /// <summary>Bounds how long the first write of a batch waits for the last one's turn.</summary>
    public const int MaxBatchSize = 128;

    // Not SingleReader: that channel cannot count what it holds, and a lone write must see the queue empty.
    private readonly Channel<SqliteWrite> _queue = Channel.CreateUnbounded<SqliteWrite>();
    private readonly SemaphoreSlim _session = new(1, 1);
    private readonly Lock _startLock = new();

    /// <summary>
    /// False with <c>Pooling=False</c>: every transaction opens the file anew, as reads do, so a
    /// file replaced under the service is the one written to (and with <c>Mode=ReadWrite</c> a
    /// removed one is refused rather than created empty).
    /// </summary>
    private readonly bool _keepOpen = new SqliteConnectionStringBuilder(connectionString).Pooling;
    private SqliteSession? _kept;
    private Task? _batchLoop;

    /// <summary>
    /// The caller's write: at once on an idle writer, else queued for the next batch; 503
    /// (<see cref="StoreUnavailableException"/>) after <paramref name="timeout"/> without a turn.
    /// </summary>
    public async Task<SqliteWrite> BeginAsync(TimeSpan timeout, IdempotentRequest? idempotency, CancellationToken cancellationToken)
    {
        var write = new SqliteWrite(this, idempotency);
        if (!batching)
        {
            if (!await _session.WaitAsync(timeout, cancellationToken))
            {
                throw NoTurn(timeout);
            }
            return StartAlone(write);
        }
        EnsureBatchLoopStarted();
        if (_queue.Reader.Count == 0 && _session.Wait(0))
        {
            telemetry?.WriteBatchSize.Record(1);
            return StartAlone(write);
        }
        if (!_queue.Writer.TryWrite(write))
        {
            throw new StoreUnavailableException("The service is stopping; the write was not started.");
        }
        try
        {
            await write.Started.WaitAsync(timeout, cancellationToken);
            return write;
        }
        catch (TimeoutException) when (write.TryAbandon())
        {
            throw NoTurn(timeout);
        }
        catch (OperationCanceledException) when (write.TryAbandon())
        {
            throw;
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // The batch claimed the write just as the wait ended: its turn is starting, take it.
            await write.Started;
            return write;
        }
    }

    private static StoreUnavailableException NoTurn(TimeSpan timeout) =>
        new($"No write slot became free within {timeout.TotalSeconds:0} s.");

    /// <summary>Runs <paramref name="write"/> in a transaction of its own; the caller holds the session.</summary>
    private SqliteWrite StartAlone(SqliteWrite write)
    {
        SqliteSession? session = null;
        try
        {
            session = OpenSession();
            session.BeginWrite();
            write.StartAlone(session);
            return write;
        }
        catch (Exception exception)
        {
            if (session is not null)
            {
                // A session that cannot begin a transaction is not trusted with the next one.
                Discard(session);
            }
            _session.Release();
            throw SqliteFailures.Unavailable("The write transaction could not begin", exception);
        }
    }

    /// <summary>Makes <paramref name="write"/>'s changes durable (its batch's, in a batch); returns once they are.</summary>
    internal async Task CommitAsync(SqliteWrite write)
    {
        if (write.InBatch)
        {
            await write.HandBack(keep: true);
            return;
        }
        try
        {
            write.Session.Transaction!.Commit();
        }
        catch (Exception exception)
        {
            throw SqliteFailures.Unavailable("The write could not commit", exception);
        }
        finally
        {
            EndAlone(write.Session);
        }
    }

    /// <summary>Drops <paramref name="write"/>'s changes; other writes of its batch are unaffected.</summary>
    internal void Rollback(SqliteWrite write)
    {
        if (write.InBatch)
        {
            write.HandBack(keep: false);
            return;
        }
        EndAlone(write.Session);
    }

    private void EndAlone(SqliteSession session)
    {
        try
        {
            DoneWith(session);
        }
        finally
        {
            _session.Release();
        }
    }

    /// <summary>The writer's session: kept open when the connection string pools, else opened for this transaction.</summary>
    private SqliteSession OpenSession() =>
        _keepOpen ? _kept ??= SqliteSession.OpenForWrites(connectionString, synchronous) : SqliteSession.OpenForWrites(connectionString, synchronous);

    /// <summary>
    /// Ends the session's transaction (rolled back unless committed) and closes a session opened
    /// for it. Never throws over the write's own outcome: a kept session whose transaction cannot
    /// end cleanly is closed instead, and the next write opens a new one.
    /// </summary>
    private void DoneWith(SqliteSession session)
    {
        try
        {
            if (_keepOpen && ReferenceEquals(session, _kept))
            {
                session.EndWrite();
                return;
            }
        }
        catch (Exception exception)
        {
            Log.LogWarning(exception, "The SQLite write connection could not end its transaction; it is closed and the next write opens a new one");
        }
        Discard(session);
    }

    /// <summary>Closes <paramref name="session"/>; when it was the kept one, the next write opens another.</summary>
    private void Discard(SqliteSession session)
    {
        if (ReferenceEquals(session, _kept))
        {
            _kept = null;
        }
        try
        {
            session.Dispose();
        }
        catch (Exception exception)
        {
            Log.LogWarning(exception, "The SQLite write connection could not be closed cleanly");
        }
    }

    private ILogger Log => logger ?? (ILogger)NullLogger.Instance;

    private void EnsureBatchLoopStarted()
    {
        if (_batchLoop is not null)
        {
            return;
        }
        lock (_startLock)
        {
            // The loop must not inherit the first caller's trace context: its batch span is a root that links operations.
            using (ExecutionContext.SuppressFlow())
            {
                _batchLoop ??= Task.Run(RunBatchesAsync);
            }
        }
    }

    private async Task RunBatchesAsync()
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            // A lone write in progress finishes first; what queued behind it forms this batch.
            await _session.WaitAsync();
            try
            {
                await RunBatchAsync();
            }
            catch (Exception exception)
            {
                // RunBatchAsync answers every write it took; this only keeps the loop alive for the next batch.
                Log.LogError(exception, "The SQLite group-commit writer failed a batch");
            }
            finally
            {
                _session.Release();
            }
        }
    }

    private async Task RunBatchAsync()
    {
        SqliteSession? session = null;
        SqliteTransaction transaction;
        try
        {
            session = OpenSession();
            // The batch holds the file's write lock from its first read, against other processes too.
            transaction = session.BeginWrite();
        }
        catch (Exception exception)
        {
            if (session is not null)
            {
                // A session that cannot begin a transaction is not trusted with the next one.
                Discard(session);
            }
            RefuseQueued(SqliteFailures.Unavailable("The write transaction could not begin", exception));
            return;
        }
        try
        {
            await new SqliteWriteBatch(session, transaction, telemetry).CarryAsync(_queue.Reader);
        }
        finally
        {
            DoneWith(session);
        }
    }

    private void RefuseQueued(Exception failure)
    {
        while (_queue.Reader.TryRead(out var waiting))
        {
            // A write whose caller already gave up has nobody to tell.
            if (waiting.TryClaim())
            {
                waiting.Refuse(failure);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_batchLoop is { } loop)
        {
            // Batches in flight finish and answer their callers before the session closes.
            await loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        // So does a lone write.
        if (await _session.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            _kept?.Dispose();
            _kept = null;
        }
    }
}

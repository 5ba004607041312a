using System.Diagnostics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Idempotency;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A write's turn at the database, and the write transaction the handlers hold (ADR 009, 014). It
/// runs on the writer's session in the caller's own flow, so its spans and logs stay the
/// request's: alone in a transaction of its own, or inside its savepoint in a group-commit batch;
/// only <see cref="SqliteGroupCommit"/> tells the two apart. Commit records the request's
/// idempotency answer in the same transaction and returns once the write is durable; disposing
/// without committing drops the write (in a batch, the others stay unless SQLite cannot roll back
/// to its savepoint, and then the whole batch fails).
/// </summary>
public sealed class SqliteWrite : IWriteTransaction
{
    private const int Waiting = 0, Running = 1, Abandoned = 2;

    private readonly SqliteGroupCommit _writer;
    private readonly IdempotentRequest? _idempotency;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _handedBack = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state = Waiting;
    private int _finished;
    private SqliteSession? _session;
    private SqliteWriteStatements? _statements;

    internal SqliteWrite(SqliteGroupCommit writer, IdempotentRequest? idempotency)
    {
        _writer = writer;
        _idempotency = idempotency;
        Origin = Activity.Current?.Context ?? default;
    }

    /// <summary>The writer's session, in this write's transaction.</summary>
    public SqliteSession Session => _session ?? throw new InvalidOperationException("The write has not started.");

    public SqliteWriteStatements Statements => _statements ??= new SqliteWriteStatements(Session);

    /// <summary>False once committed or rolled back.</summary>
    public bool IsOpen => Volatile.Read(ref _finished) == 0;

    /// <summary>The span of the operation that began this write: a batch's span links to it.</summary>
    internal ActivityContext Origin { get; }

    /// <summary>True when the write runs inside a batch's savepoint; false when it has a transaction of its own.</summary>
    internal bool InBatch { get; private set; }

    internal Task Started => _started.Task;

    /// <summary>Completes when the caller is done with the session: true to keep the write, false to drop it.</summary>
    internal Task<bool> HandedBack => _handedBack.Task;

    public async Task CommitAsync(object? result, CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            throw new InvalidOperationException("The write has already finished.");
        }
        if (_idempotency is { } request)
        {
            var answer = request.Answer(result);
            SqliteFailures.Guarded(() =>
            {
                new SqliteIdempotencyRecords(Session).Record(request, answer);
                return true;
            });
        }
        if (Interlocked.Exchange(ref _finished, 1) == 1)
        {
            throw new InvalidOperationException("The write has already finished.");
        }
        // Not cancellable: once handed over, the write commits or fails, and the caller must learn which.
        await _writer.CommitAsync(this);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0 && _session is not null)
        {
            _writer.Rollback(this);
        }
        return ValueTask.CompletedTask;
    }

    internal void StartAlone(SqliteSession session)
    {
        _state = Running;
        _session = session;
        _started.TrySetResult();
    }

    /// <summary>Claims the write for a batch; false when its caller already gave up waiting.</summary>
    internal bool TryClaim() => Interlocked.CompareExchange(ref _state, Running, Waiting) == Waiting;

    /// <summary>The caller gave up waiting (timeout, cancelled request): the batch must skip it.</summary>
    internal bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting;

    internal void StartInBatch(SqliteSession session)
    {
        InBatch = true;
        _session = session;
        _started.TrySetResult();
    }

    /// <summary>The write never ran: its batch could not begin or open its savepoint.</summary>
    internal void Refuse(Exception exception)
    {
        _started.TrySetException(exception);
        _handedBack.TrySetResult(false);
    }

    internal Task HandBack(bool keep)
    {
        _handedBack.TrySetResult(keep);
        return _durable.Task;
    }

    internal void Acknowledge() => _durable.TrySetResult();

    internal void Fail(Exception exception) => _durable.TrySetException(exception);
}

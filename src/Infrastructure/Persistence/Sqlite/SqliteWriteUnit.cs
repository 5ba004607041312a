using System.Diagnostics;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// One caller's write in a group-commit batch. The caller waits until the writer gives it the
/// batch's context (its savepoint is open), does its reads and writes on that context in its own
/// request flow (so its spans and logs stay the request's), then says commit or roll back, and
/// waits for the batch's commit before answering.
/// </summary>
public sealed class SqliteWriteUnit(ActivityContext origin) : ISqliteWriteTurn
{
    private const int Waiting = 0, Running = 1, Abandoned = 2;

    private int _state = Waiting;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The span of the operation that submitted this write: the batch span links to it.</summary>
    public ActivityContext Origin { get; } = origin;

    internal Task Started => _started.Task;

    public ResourceDbContext Db { get; private set; } = null!;

    public SqliteWriteStatements Statements { get; private set; } = null!;

    /// <summary>True when the caller committed; false when it rolled back (a refusal or a failure).</summary>
    internal Task<bool> Finished => _finished.Task;

    /// <summary>The caller gave up waiting (timeout, cancelled request): the writer must skip it.</summary>
    internal bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting;

    /// <summary>Claims the unit for the batch; false when its caller already gave up.</summary>
    internal bool TryClaim() => Interlocked.CompareExchange(ref _state, Running, Waiting) == Waiting;

    internal void Start(ResourceDbContext db, SqliteWriteStatements statements)
    {
        Db = db;
        Statements = statements;
        _started.TrySetResult();
    }

    /// <summary>The unit never ran (the batch could not begin).</summary>
    internal void Refuse(Exception exception)
    {
        _started.TrySetException(exception);
        _finished.TrySetResult(false);
    }

    internal void Acknowledge() => _durable.TrySetResult();

    internal void Fail(Exception exception) => _durable.TrySetException(exception);

    /// <summary>Keeps this unit's changes and completes when the batch carrying them is durable (or fails).</summary>
    public Task CommitAsync()
    {
        _finished.TrySetResult(true);
        return _durable.Task;
    }

    /// <summary>Drops this unit's changes (back to its savepoint); the rest of the batch is unaffected.</summary>
    public void Rollback() => _finished.TrySetResult(false);
}

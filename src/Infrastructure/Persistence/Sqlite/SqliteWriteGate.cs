namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Queues this process's writers before they ask SQLite for the write lock, so in-process
/// contention waits on an async semaphore instead of SQLite's sleep-and-retry busy loop.
/// Other processes on the same file are still serialized by SQLite itself (BEGIN IMMEDIATE).
/// </summary>
public sealed class SqliteWriteGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public Task<bool> EnterAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);

    public void Exit() => _semaphore.Release();

    public void Dispose() => _semaphore.Dispose();
}

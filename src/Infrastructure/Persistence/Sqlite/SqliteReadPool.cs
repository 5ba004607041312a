using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The sessions reads run on outside a write: open connections with their statements prepared,
/// reused across requests, at most <c>4 × processors</c> kept idle. A read beyond that many at once
/// still runs, on a session closed afterwards. <c>Pooling=False</c> keeps none, so every read opens
/// the file anew and a file replaced under the service is noticed.
/// </summary>
public sealed class SqliteReadPool : IDisposable
{
    private readonly string _connectionString;
    private readonly int _capacity;
    private readonly ConcurrentQueue<SqliteSession> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteReadPool(string connectionString, int capacity = 0)
    {
        _connectionString = connectionString;
        var settings = new SqliteConnectionStringBuilder(connectionString);
        _capacity = !settings.Pooling ? 0 : capacity > 0 ? capacity : Environment.ProcessorCount * 4;
    }

    /// <summary>Runs <paramref name="read"/> on an idle session (or a new one); a session that failed is closed, never reused.</summary>
    public T Read<T>(Func<SqliteSession, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var session = Rent();
        T result;
        try
        {
            result = read(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        Return(session);
        return result;
    }

    private SqliteSession Rent()
    {
        if (_idle.TryDequeue(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }
        return SqliteSession.OpenForReads(_connectionString);
    }

    private void Return(SqliteSession session)
    {
        if (Interlocked.Increment(ref _idleCount) <= _capacity && !_disposed)
        {
            _idle.Enqueue(session);
            // Dispose may have emptied the queue just before this session went in.
            if (_disposed)
            {
                CloseIdle();
            }
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        session.Dispose();
    }

    /// <summary>Closes the idle sessions; one still reading is closed when it comes back.</summary>
    public void Dispose()
    {
        _disposed = true;
        CloseIdle();
    }

    private void CloseIdle()
    {
        while (_idle.TryDequeue(out var session))
        {
            session.Dispose();
        }
    }
}

using CrudCqrs.Application.Abstractions;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>Which SQLite failures mean "the store is unavailable, retry later" rather than a bug.</summary>
public static class SqliteFailures
{
    // SQLITE_PERM, BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB
    private static readonly HashSet<int> UnavailableCodes = [3, 5, 6, 7, 8, 10, 11, 13, 14, 15, 26];

    public static bool IsUnavailable(Exception exception) => Find(exception) is not null;

    public static string Describe(Exception exception) => Find(exception)?.Message ?? exception.Message;

    /// <summary>A 503 for the caller: <paramref name="what"/> failed, and why.</summary>
    public static StoreUnavailableException Unavailable(string what, Exception exception) =>
        new($"{what}: {Describe(exception)}", exception);

    /// <summary>Runs <paramref name="action"/>; an unavailable database becomes <see cref="StoreUnavailableException"/>.</summary>
    public static T Guarded<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            throw Translated(exception);
        }
    }

    /// <summary><paramref name="exception"/> as the caller should see it: an unavailable database as <see cref="StoreUnavailableException"/>.</summary>
    public static Exception Translated(Exception exception) =>
        IsUnavailable(exception) ? Unavailable("The SQLite database is unavailable", exception) : exception;

    private static SqliteException? Find(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is SqliteException sqlite && UnavailableCodes.Contains(sqlite.SqliteErrorCode))
            {
                return sqlite;
            }
        }
        return null;
    }
}

using CrudCqrs.Infrastructure.Observability;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A statement the store runs on its own connections: its text, its parameters in binding order,
/// and the name its database client span reports (<c>SELECT Resources</c>). A session prepares it
/// once and keeps it with the connection.
/// </summary>
public sealed class SqliteStatement
{
    public SqliteStatement(string sql, params string[] parameters)
        : this(DatabaseSpans.Summarize(sql), sql, parameters)
    {
    }

    public SqliteStatement(DatabaseSpans.Summary summary, string sql, params string[] parameters)
    {
        Summary = summary;
        Sql = sql;
        Parameters = parameters;
    }

    public string Sql { get; }

    public IReadOnlyList<string> Parameters { get; }

    public DatabaseSpans.Summary Summary { get; }
}

namespace CrudCqrs.Infrastructure.Persistence;

/// <summary>The <c>Database</c> section and the connection strings (docs/configuration.md).</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";
    public const string DefaultSqliteConnectionString = "Data Source=crudcqrs.db";
    public const string DefaultMongoConnectionString = "mongodb://localhost:27017/crudcqrs";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>How long a request waits for the store (lock, connection) before answering 503.</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>SQLite: concurrent writes share one transaction and one flush (ADR 009); false is one transaction per write.</summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>
    /// SQLite's <c>PRAGMA synchronous</c> for writes. Anything but <see cref="SqliteSynchronous.Full"/>
    /// can lose acknowledged writes on a power cut: for benchmarks only.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;
}

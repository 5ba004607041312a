namespace CrudCqrs.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    MongoDb,
}

/// <summary>The <c>Database</c> section and the connection strings (docs/configuration.md).</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";
    public const string DefaultSqliteConnectionString = "Data Source=crudcqrs.db";
    public const string DefaultMongoConnectionString = "mongodb://localhost:27017/crudcqrs";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>How long a request waits for the store (lock, connection) before answering 503.</summary>
    public int TimeoutSeconds { get; set; } = 5;
}

/// <summary>A database setting that cannot work: the service refuses to start, naming the key.</summary>
public sealed class DatabaseConfigurationException(string message) : Exception(message);

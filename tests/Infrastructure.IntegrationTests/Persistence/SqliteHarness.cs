using CrudCqrs.Application.Abstractions;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence;

/// <summary>The contract suite's view of the shared SQLite test database.</summary>
public sealed class SqliteHarness : IRepositoryHarness
{
    private readonly SqliteTestDatabase _database;

    private SqliteHarness(SqliteTestDatabase database) => _database = database;

    public static async Task<SqliteHarness> CreateAsync(int timeoutSeconds) => new(await SqliteTestDatabase.CreateAsync(timeoutSeconds));

    public string ConnectionString => _database.ConnectionString;

    /// <summary>The temp directory holding the database file; removed on dispose.</summary>
    public string DirectoryPath => _database.DirectoryPath;

    public IResourceRepository CreateRepository() => _database.CreateRepository();

    /// <summary>The database under the harness, for the SQLite-only tests.</summary>
    public SqliteTestDatabase Database => _database;

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}

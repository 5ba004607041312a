using CrudCqrs.Infrastructure;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrudCqrs.TestSupport;

/// <summary>
/// A real SQLite file in a temp directory of its own, migrated and in WAL mode as the service
/// leaves it, with what one API process shares (the write gate, the pooled read path) and
/// repositories over it as request scopes get them. Removed with its directory on dispose.
/// </summary>
public sealed class SqliteTestDatabase : IAsyncDisposable, IDisposable
{
    private readonly SqliteWriteGate _gate = new();
    private readonly IOptions<DatabaseOptions> _options;
    private readonly List<ResourceDbContext> _contexts = [];

    private SqliteTestDatabase(int timeoutSeconds)
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "crudcqrs-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DirectoryPath);
        ConnectionString = DependencyInjection.SqliteConnectionString($"Data Source={Path.Combine(DirectoryPath, "test.db")}", timeoutSeconds);
        _options = Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, TimeoutSeconds = timeoutSeconds });
        ReadPool = new SqliteReadPool(ConnectionString);
    }

    /// <summary>The temp directory holding the database file.</summary>
    public string DirectoryPath { get; }

    public string ConnectionString { get; }

    /// <summary>The pooled read-by-id path, as the service wires it.</summary>
    public SqliteReadPool ReadPool { get; }

    /// <summary>A new, migrated database; <paramref name="timeoutSeconds"/> is <c>Database__TimeoutSeconds</c>.</summary>
    public static SqliteTestDatabase Create(int timeoutSeconds = 5)
    {
        var database = new SqliteTestDatabase(timeoutSeconds);
        using var db = database.NewContext();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        return database;
    }

    public static Task<SqliteTestDatabase> CreateAsync(int timeoutSeconds = 5) => Task.Run(() => Create(timeoutSeconds));

    /// <summary>A repository as one request scope gets it, reading by id through <see cref="ReadPool"/>.</summary>
    public SqliteResourceRepository CreateRepository() => CreateRepository(ReadPool);

    /// <summary>A repository reading by id through <paramref name="readPool"/>, or through EF Core when null.</summary>
    public SqliteResourceRepository CreateRepository(SqliteReadPool? readPool)
    {
        var db = NewContext();
        _contexts.Add(db);
        return new SqliteResourceRepository(db, _gate, _options, readPool);
    }

    private ResourceDbContext NewContext() =>
        new(new DbContextOptionsBuilder<ResourceDbContext>().UseSqlite(ConnectionString).Options);

    public void Dispose()
    {
        foreach (var db in _contexts)
        {
            db.Dispose();
        }
        Release();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var db in _contexts)
        {
            await db.DisposeAsync();
        }
        Release();
    }

    private void Release()
    {
        _contexts.Clear();
        _gate.Dispose();
        ReadPool.Dispose();
        // Pooled connections keep the file open; close them before deleting.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless.
        }
    }
}

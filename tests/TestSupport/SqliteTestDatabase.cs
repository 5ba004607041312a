using CrudCqrs.Application.Idempotency;
using CrudCqrs.Infrastructure;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrudCqrs.TestSupport;

/// <summary>
/// A real SQLite file in a temp directory of its own, migrated and in WAL mode as the service
/// leaves it, with what one API process shares (the read pool and the writer, wired as in
/// production) and repositories over it as request scopes get them. Removed with its directory on dispose.
/// </summary>
public sealed class SqliteTestDatabase : IAsyncDisposable, IDisposable
{
    private readonly IOptions<DatabaseOptions> _options;

    private SqliteTestDatabase(int timeoutSeconds)
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "crudcqrs-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DirectoryPath);
        ConnectionString = DependencyInjection.SqliteConnectionString($"Data Source={Path.Combine(DirectoryPath, "test.db")}", timeoutSeconds);
        _options = Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, TimeoutSeconds = timeoutSeconds });
        ReadPool = new SqliteReadPool(ConnectionString);
        Writer = new SqliteGroupCommit(ConnectionString);
    }

    /// <summary>The temp directory holding the database file.</summary>
    public string DirectoryPath { get; }

    public string ConnectionString { get; }

    /// <summary>The pooled read sessions, as the service wires them.</summary>
    public SqliteReadPool ReadPool { get; }

    /// <summary>The one writer, group commit on, as the service wires it.</summary>
    public SqliteGroupCommit Writer { get; }

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

    /// <summary>A repository as one request scope gets it; <paramref name="idempotency"/> is the request's key, if any.</summary>
    public SqliteResourceRepository CreateRepository(IdempotentRequest? idempotency = null) =>
        new(ReadPool, Writer, _options, new IdempotencyContext { Current = idempotency });

    /// <summary>The EF Core model over the file, for schema checks.</summary>
    public ResourceDbContext NewContext() =>
        new(new DbContextOptionsBuilder<ResourceDbContext>().UseSqlite(ConnectionString).Options);

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
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

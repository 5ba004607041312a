using CrudCqrs.Application.Abstractions;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence;

/// <summary>A real SQLite file in a temp directory, migrated like the service migrates it.</summary>
public sealed class SqliteHarness : IRepositoryHarness
{
    private readonly string _directory;
    private readonly string _connectionString;
    private readonly SqliteWriteGate _gate = new();
    private readonly IOptions<DatabaseOptions> _options;
    private readonly List<ResourceDbContext> _contexts = [];
    private readonly SqliteReadPool _readPool;

    private SqliteHarness(string directory, int timeoutSeconds)
    {
        _directory = directory;
        _connectionString = DependencyInjection.SqliteConnectionString($"Data Source={Path.Combine(directory, "test.db")}", timeoutSeconds);
        _options = Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, TimeoutSeconds = timeoutSeconds });
        // As the service wires it, so the contract suite covers the pooled read path too.
        _readPool = new SqliteReadPool(_connectionString);
    }

    public static async Task<SqliteHarness> CreateAsync(int timeoutSeconds)
    {
        var directory = Path.Combine(Path.GetTempPath(), "crudcqrs-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var harness = new SqliteHarness(directory, timeoutSeconds);
        await using var db = harness.NewContext();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        return harness;
    }

    public string ConnectionString => _connectionString;

    /// <summary>The temp directory holding the database file; removed on dispose.</summary>
    public string DirectoryPath => _directory;

    public IResourceRepository CreateRepository() => CreateRepository(_readPool);

    /// <summary>A repository reading by id through <paramref name="readPool"/>, or through EF Core when null.</summary>
    public SqliteResourceRepository CreateRepository(SqliteReadPool? readPool)
    {
        var db = NewContext();
        _contexts.Add(db);
        return new SqliteResourceRepository(db, _gate, _options, readPool);
    }

    private ResourceDbContext NewContext() =>
        new(new DbContextOptionsBuilder<ResourceDbContext>().UseSqlite(_connectionString).Options);

    public async ValueTask DisposeAsync()
    {
        foreach (var db in _contexts)
        {
            await db.DisposeAsync();
        }
        _gate.Dispose();
        _readPool.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless.
        }
    }
}

using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrudCqrs.Infrastructure.IntegrationTests.Sqlite;

/// <summary>
/// A database written by the previous schema gets positions for every resource when it is
/// migrated and backfilled: creation order, except that a later dependency is pulled before its
/// first dependent; the forward-dependency table and its triggers are gone.
/// </summary>
public sealed class TopologicalPositionsMigrationTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("crudcqrs-positions-").FullName;
    private ResourceDbContext _db = null!;

    public Task InitializeAsync()
    {
        _db = new ResourceDbContext(new DbContextOptionsBuilder<ResourceDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "upgrade.db")}").Options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Upgrading_places_every_stored_resource_after_its_dependencies_and_logs_progress()
    {
        var migrator = _db.GetService<IMigrator>();
        await migrator.MigrateAsync("20261126022500_ForwardDependencies");
        // 1 (oldest) depends on 2 and 4 (later); 2 depends on 3 (older); 5 and 6 tie on time.
        await _db.Database.ExecuteSqlRawAsync("""
            INSERT INTO Resources (Id, Name, NameKey, CreatedAt, UpdatedAt, Version) VALUES
              ('00000000-0000-7000-8000-000000000001', 'one', 'one', 1000, 1000, 1),
              ('00000000-0000-7000-8000-000000000002', 'two', 'two', 2000, 2000, 1),
              ('00000000-0000-7000-8000-000000000003', 'three', 'three', 500, 500, 1),
              ('00000000-0000-7000-8000-000000000004', 'four', 'four', 2500, 2500, 1),
              ('00000000-0000-7000-8000-000000000005', 'five', 'five', 3000, 3000, 1),
              ('00000000-0000-7000-8000-000000000006', 'six', 'six', 3000, 3000, 1);
            INSERT INTO ResourceDependencies (ResourceId, DependsOnId, Position) VALUES
              ('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000002', 0),
              ('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000004', 1),
              ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000003', 0),
              ('00000000-0000-7000-8000-000000000005', '00000000-0000-7000-8000-000000000006', 0);
            """);

        await migrator.MigrateAsync();
        var logger = new RecordingLogger();
        var placed = await new TopologicalPositionBackfill(_db, logger).RunAsync(CancellationToken.None);

        Assert.Equal(6, placed);
        var order = await _db.Database
            .SqlQueryRaw<string>("SELECT substr(Id, 36) AS Value FROM Resources ORDER BY TopologicalPosition")
            .ToListAsync();
        // Creation order is 3, 1, 2, 4, 5, 6; 1 waits for 2 and 4, 5 for 6.
        Assert.Equal(["3", "2", "4", "1", "6", "5"], order);
        Assert.Equal(0, await _db.Database.SqlQueryRaw<long>(
            "SELECT COUNT(*) AS Value FROM sqlite_master WHERE name LIKE '%Forward%'").SingleAsync());
        Assert.Contains(logger.Messages, m => m.Contains("6 resources", StringComparison.Ordinal));

        // Once is enough: a second start finds nothing to do.
        Assert.Equal(0, await new TopologicalPositionBackfill(_db, logger).RunAsync(CancellationToken.None));
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => NullLogger.Instance.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}

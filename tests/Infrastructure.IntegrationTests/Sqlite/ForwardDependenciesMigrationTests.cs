using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CrudCqrs.Infrastructure.IntegrationTests.Sqlite;

/// <summary>
/// A database written by an earlier version gets its forward dependencies recorded when it is
/// migrated, so search does not page in creation order where that order is not topological.
/// </summary>
public sealed class ForwardDependenciesMigrationTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("crudcqrs-forward-").FullName;
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
    public async Task Upgrading_records_the_forward_dependencies_already_stored_and_only_those()
    {
        var migrator = _db.GetService<IMigrator>();
        await migrator.MigrateAsync("20261125233116_SearchIndex");
        // old -> new points forward; new -> older points back; same-time pairs compare by id.
        await _db.Database.ExecuteSqlRawAsync("""
            INSERT INTO Resources (Id, Name, NameKey, CreatedAt, UpdatedAt, Version) VALUES
              ('00000000-0000-7000-8000-000000000001', 'old', 'old', 1000, 1000, 1),
              ('00000000-0000-7000-8000-000000000002', 'new', 'new', 2000, 2000, 1),
              ('00000000-0000-7000-8000-000000000003', 'older', 'older', 500, 500, 1),
              ('00000000-0000-7000-8000-00000000000a', 'tie a', 'tie a', 3000, 3000, 1),
              ('00000000-0000-7000-8000-00000000000b', 'tie b', 'tie b', 3000, 3000, 1);
            INSERT INTO ResourceDependencies (ResourceId, DependsOnId, Position) VALUES
              ('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000002', 0),
              ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000003', 0),
              ('00000000-0000-7000-8000-00000000000a', '00000000-0000-7000-8000-00000000000b', 0),
              ('00000000-0000-7000-8000-00000000000b', '00000000-0000-7000-8000-000000000001', 0);
            """);

        await migrator.MigrateAsync();

        var recorded = await _db.Database
            .SqlQueryRaw<string>("SELECT ResourceId || '>' || DependsOnId AS Value FROM ForwardDependencies ORDER BY 1")
            .ToListAsync();
        Assert.Equal(
            [
                "00000000-0000-7000-8000-000000000001>00000000-0000-7000-8000-000000000002",
                "00000000-0000-7000-8000-00000000000a>00000000-0000-7000-8000-00000000000b",
            ],
            recorded);
    }
}

using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.IntegrationTests.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CrudCqrs.Infrastructure.IntegrationTests.Sqlite;

/// <summary>
/// A database written before the dependency-order index gets it when migrated, and its pages
/// answer exactly what they answered before; page reads then use it.
/// </summary>
public sealed class DependencyListOrderMigrationTests : IAsyncLifetime
{
    private SqliteHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await SqliteHarness.CreateAsync(timeoutSeconds: 5);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Migrating_an_existing_database_adds_the_index_and_keeps_every_page()
    {
        // The harness's database is fully migrated: step back to the schema before the index.
        await using (var db = NewContext())
        {
            await db.GetService<IMigrator>().MigrateAsync("20261202100000_TopologicalPositions");
            Assert.Equal(0, await IndexCount(db));
        }
        var writer = _harness.CreateRepository(readPool: null);
        var stored = new List<Resource>();
        for (var i = 0; i < 30; i++)
        {
            // Lists whose order is not id order: the newest first, then older ones.
            var dependencies = stored.Count >= 4 ? new[] { stored[^1].Id, stored[i % 3].Id, stored[^4].Id }.Distinct().ToArray() : [];
            var resource = Resource.Create(Guid.CreateVersion7(), $"item {i}", i % 2 == 0 ? "zebrafinch" : null, dependencies, Now(i));
            await writer.AddAsync(resource, CancellationToken.None);
            stored.Add(resource);
        }
        // A forward dependency on a resource made last, first in its list.
        var late = Resource.Create(Guid.CreateVersion7(), "late", null, [], Now(35));
        await writer.AddAsync(late, CancellationToken.None);
        await writer.UpdateAsync(stored[10].Update(null, null, [late.Id, stored[0].Id, stored[5].Id], Now(40)), CancellationToken.None);
        var before = await Pages();

        await using (var db = NewContext())
        {
            await db.GetService<IMigrator>().MigrateAsync();
            Assert.Equal(1, await IndexCount(db));
            var plan = await QueryPlan(SqlitePageQuery.ListByOffset.PageSql);
            Assert.Contains(plan, detail => detail.Contains(DependencyListOrder.IndexName, StringComparison.Ordinal));
        }
        var after = await Pages();

        Assert.Equal(before, after);
        Assert.Contains(after, page => page.Contains($"{late.Id},{stored[0].Id},{stored[5].Id}", StringComparison.Ordinal));
    }

    /// <summary>Every page shape through a fresh read pool (new connections see the new schema), as text.</summary>
    private async Task<List<string>> Pages()
    {
        using var pool = new SqliteReadPool(_harness.ConnectionString);
        var repository = _harness.CreateRepository(pool);
        var pages = new List<string>();
        foreach (var (offset, limit) in new[] { (0, 100), (3, 7) })
        {
            pages.Add(Text((await repository.ListAsync(offset, limit, CancellationToken.None)).Items));
        }
        foreach (var text in new string?[] { null, "zebrafinch", "it" })
        {
            var page = await repository.SearchAsync(text, 0, 100, CancellationToken.None);
            pages.Add($"{page.TotalCount}:{Text(page.Items)}");
        }
        return pages;
    }

    private static string Text(IReadOnlyList<Resource> items) =>
        string.Join("\n", items.Select(r => $"{r.Id} {r.Name} {r.Description} {r.Version} {r.CreatedAt:O} {r.UpdatedAt:O} {string.Join(",", r.Dependencies)}"));

    private async Task<List<string>> QueryPlan(string sql)
    {
        await using var connection = new SqliteConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in SqlitePageQuery.ParameterNames(sql))
        {
            command.Parameters.AddWithValue(name, 1);
        }
        var details = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            details.Add(reader.GetString(3));
        }
        return details;
    }

    private ResourceDbContext NewContext() =>
        new(new DbContextOptionsBuilder<ResourceDbContext>().UseSqlite(_harness.ConnectionString).Options);

    private static Task<long> IndexCount(DbContext db) => db.Database.SqlQueryRaw<long>(
        $"SELECT COUNT(*) AS Value FROM sqlite_master WHERE type = 'index' AND name = '{DependencyListOrder.IndexName}'").SingleAsync();

    private static DateTimeOffset Now(int step) => new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(step);
}

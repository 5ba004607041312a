using System.Text.RegularExpressions;
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
/// A database written before the schema that page reads use (the dependency-order index, each
/// row's copy of its dependency list) gets it when migrated: the pooled page reads on the new
/// schema answer exactly what EF Core's reads answered on the old one.
/// </summary>
public sealed partial class PageSchemaMigrationTests : IAsyncLifetime
{
    private SqliteHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await SqliteHarness.CreateAsync(timeoutSeconds: 5);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("20261202100000_TopologicalPositions")]
    [InlineData("20261202120000_DependencyListOrder")]
    public async Task Migrating_an_existing_database_keeps_every_page(string writtenAt)
    {
        // The harness's database is fully migrated: step back to an older schema.
        await using (var db = NewContext())
        {
            await db.GetService<IMigrator>().MigrateAsync(writtenAt);
            Assert.False(await HasDependencyListColumn(db));
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
        // A delete that takes its id out of the lists that held it.
        await writer.DeleteAsync([stored[4].Id], Now(45), CancellationToken.None);
        var before = await Pages(writer);

        await using (var db = NewContext())
        {
            await db.GetService<IMigrator>().MigrateAsync();
            Assert.Equal(1, await IndexCount(db));
            Assert.True(await HasDependencyListColumn(db));
            // Lists are read in order from the index by the read by id and by the triggers.
            var plan = await QueryPlan(SqliteReadPool.FindByIdSql);
            Assert.Contains(plan, detail => detail.Contains(DependencyListOrder.IndexName, StringComparison.Ordinal));
        }
        using var pool = new SqliteReadPool(_harness.ConnectionString);
        var after = await Pages(_harness.CreateRepository(pool));

        Assert.Equal(before, after);
        Assert.Contains(after, page => page.Contains($"{late.Id},{stored[0].Id},{stored[5].Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_schema_uses_no_syntax_that_sqlite_before_3_44_cannot_parse()
    {
        // Every SQLite that opens the file parses all of its schema (Debian 12's sqlite3 and
        // Python's sqlite3 are 3.40): an aggregate's own ORDER BY there makes the whole file
        // unreadable to them, not just the one trigger.
        await using var connection = new SqliteConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL";
        var objects = new List<(string Name, string Sql)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                objects.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        Assert.Contains(objects, o => o.Name == "ResourceDependencies_List_Insert");
        Assert.All(objects, o => Assert.DoesNotMatch(OrderedAggregate(), o.Sql));
    }

    [GeneratedRegex(@"(group_concat|json_group_array|string_agg)\s*\([^()]*ORDER\s+BY", RegexOptions.IgnoreCase)]
    private static partial Regex OrderedAggregate();

    /// <summary>Every page shape through <paramref name="repository"/>, as text.</summary>
    private static async Task<List<string>> Pages(SqliteResourceRepository repository)
    {
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
        // The indexed search by offset and by cursor, in the middle of its matches.
        var middle = await repository.SearchAsync("zebrafinch", 2, 4, CancellationToken.None);
        var next = await repository.SearchAfterAsync("zebrafinch", middle.LastPosition!.Value, 4, CancellationToken.None);
        pages.Add($"{middle.TotalCount}:{Text(middle.Items)}");
        pages.Add($"{next.TotalCount}:{Text(next.Items)}");
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

    private static async Task<bool> HasDependencyListColumn(DbContext db) => await db.Database.SqlQueryRaw<long>(
        $"SELECT COUNT(*) AS Value FROM pragma_table_info('Resources') WHERE name = '{DependencyListOnResources.Column}'").SingleAsync() == 1;

    private static Task<long> IndexCount(DbContext db) => db.Database.SqlQueryRaw<long>(
        $"SELECT COUNT(*) AS Value FROM sqlite_master WHERE type = 'index' AND name = '{DependencyListOrder.IndexName}'").SingleAsync();

    private static DateTimeOffset Now(int step) => new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(step);
}

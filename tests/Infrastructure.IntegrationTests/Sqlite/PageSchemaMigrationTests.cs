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
/// schema answer exactly what EF Core's LINQ answered on the old one.
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
        // Written as the service of that schema wrote: rows and edges, no copy of the list on the row.
        var stored = new List<ResourceRecord>();
        await using (var db = NewContext())
        {
            for (var i = 0; i < 30; i++)
            {
                // Lists whose order is not id order: the newest first, then older ones.
                var dependencies = stored.Count >= 4 ? new[] { stored[^1].Id, stored[i % 3].Id, stored[^4].Id }.Distinct().ToArray() : [];
                stored.Add(Record($"item {i}", i % 2 == 0 ? "zebrafinch" : null, Now(i), i + 1, dependencies));
            }
            db.Resources.AddRange(stored);
            // A resource made last, first in an older resource's list, and a delete that takes its id out of the lists that held it.
            var late = Record("late", null, Now(35), 0, []);
            db.Resources.Add(late);
            await db.SaveChangesAsync();
            db.Dependencies.RemoveRange(db.Dependencies.Where(d => d.ResourceId == stored[10].Id));
            await db.SaveChangesAsync();
            db.Dependencies.AddRange(new[] { late.Id, stored[0].Id, stored[5].Id }.Select((id, position) =>
                new DependencyRecord { ResourceId = stored[10].Id, DependsOnId = id, Position = position }));
            db.Resources.Remove(db.Resources.Single(r => r.Id == stored[4].Id));
            await db.SaveChangesAsync();
            stored.Add(late);
        }
        var oracle = new EfCoreOracle(_harness.Database);
        var before = await Pages(
            (offset, limit) => Task.FromResult(oracle.List(offset, limit)),
            (text, after, offset, limit) => Task.FromResult(oracle.Search(text, after, offset, limit)));

        await using (var db = NewContext())
        {
            await db.GetService<IMigrator>().MigrateAsync();
            Assert.Equal(1, await IndexCount(db));
            Assert.True(await HasDependencyListColumn(db));
        }
        var repository = _harness.CreateRepository();
        var after = await Pages(
            (offset, limit) => repository.ListAsync(offset, limit, CancellationToken.None),
            (text, position, offset, limit) => position is { } last
                ? repository.SearchAfterAsync(text, last, limit, CancellationToken.None)
                : repository.SearchAsync(text, offset, limit, CancellationToken.None));

        Assert.Equal(before, after);
        Assert.Contains(after, page => page.Contains($"{stored[^1].Id},{stored[0].Id},{stored[5].Id}", StringComparison.Ordinal));
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

    private static ResourceRecord Record(string name, string? description, DateTimeOffset at, long position, string[] dependencies)
    {
        var id = Guid.CreateVersion7(at).ToString("D");
        return new ResourceRecord
        {
            Id = id, Name = name, NameKey = name.ToLowerInvariant(), Description = description, DescriptionKey = description?.ToLowerInvariant(),
            CreatedAt = at.ToUnixTimeMilliseconds(), UpdatedAt = at.ToUnixTimeMilliseconds(), Version = 1, TopologicalPosition = position,
            Dependencies = dependencies.Select((d, i) => new DependencyRecord { ResourceId = id, DependsOnId = d, Position = i }).ToList(),
        };
    }

    /// <summary>Every page shape, read through <paramref name="list"/> and <paramref name="search"/> (text, after position, offset, limit), as text.</summary>
    private static async Task<List<string>> Pages(
        Func<int, int, Task<CrudCqrs.Application.Abstractions.ResourcePage>> list,
        Func<string?, long?, int, int, Task<CrudCqrs.Application.Abstractions.SearchPage>> search)
    {
        var pages = new List<string>();
        foreach (var (offset, limit) in new[] { (0, 100), (3, 7) })
        {
            pages.Add(Text((await list(offset, limit)).Items));
        }
        foreach (var text in new string?[] { null, "zebrafinch", "it" })
        {
            var page = await search(text, null, 0, 100);
            pages.Add($"{page.TotalCount}:{Text(page.Items)}");
        }
        // The indexed search by offset and by cursor, in the middle of its matches.
        var middle = await search("zebrafinch", null, 2, 4);
        var next = await search("zebrafinch", middle.LastPosition!.Value, 0, 4);
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
        foreach (Match name in Regex.Matches(sql, @"\$[a-zA-Z]+"))
        {
            if (!command.Parameters.Contains(name.Value))
            {
                command.Parameters.AddWithValue(name.Value, 1);
            }
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

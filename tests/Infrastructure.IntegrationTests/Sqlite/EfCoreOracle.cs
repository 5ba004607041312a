using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using CrudCqrs.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace CrudCqrs.Infrastructure.IntegrationTests.Sqlite;

/// <summary>
/// The answers the store's pages must give, computed independently of its reader: EF Core LINQ over
/// the same rows, with the dependency edges (not the rows' own dependency lists) and counts made by COUNT(*).
/// </summary>
public sealed class EfCoreOracle(SqliteTestDatabase database)
{
    public ResourcePage List(int offset, int limit)
    {
        using var db = database.NewContext();
        var rows = Resources(db).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Skip(offset).Take(limit).ToList();
        return new ResourcePage(rows.Select(ToDomain).ToArray(), db.Resources.LongCount());
    }

    public ResourcePage ListAfter(ResourceCursor after, int limit)
    {
        using var db = database.NewContext();
        var time = after.CreatedAt.ToUnixTimeMilliseconds();
        var id = after.Id.ToString("D");
        var rows = Resources(db)
            .Where(r => r.CreatedAt > time || (r.CreatedAt == time && string.Compare(r.Id, id) > 0))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(limit).ToList();
        return new ResourcePage(rows.Select(ToDomain).ToArray(), db.Resources.LongCount());
    }

    /// <summary>The search rule: a substring of the lowercased name or description, in dependency order.</summary>
    public SearchPage Search(string? text, long? afterPosition, int offset, int limit)
    {
        using var db = database.NewContext();
        var matches = Resources(db);
        if (!string.IsNullOrEmpty(text))
        {
            var key = text.ToLowerInvariant();
            matches = matches.Where(r => r.NameKey.Contains(key) || (r.DescriptionKey != null && r.DescriptionKey.Contains(key)));
        }
        var total = matches.LongCount();
        var rows = matches.Where(r => afterPosition == null || r.TopologicalPosition > afterPosition)
            .OrderBy(r => r.TopologicalPosition).Skip(offset).Take(limit).ToList();
        return new SearchPage(rows.Select(ToDomain).ToArray(), total, rows.Count == 0 ? null : rows[^1].TopologicalPosition);
    }

    private static IQueryable<ResourceRecord> Resources(ResourceDbContext db) => db.Resources.AsNoTracking().Include(r => r.Dependencies);

    private static Resource ToDomain(ResourceRecord record) => new()
    {
        Id = Guid.Parse(record.Id),
        Name = record.Name,
        Description = record.Description,
        Dependencies = record.Dependencies.OrderBy(d => d.Position).Select(d => Guid.Parse(d.DependsOnId)).ToArray(),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedAt),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(record.UpdatedAt),
        Version = record.Version,
    };
}

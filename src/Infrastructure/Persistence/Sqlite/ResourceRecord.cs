namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>The EF Core model of a resource row: the schema and its migrations are made from it. Ids are lowercase GUID text so that SQL and JSON agree on order.</summary>
public sealed class ResourceRecord
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>Lowercased <see cref="Name"/>: search is a plain substring test on it.</summary>
    public required string NameKey { get; set; }
    public string? DescriptionKey { get; set; }

    /// <summary>Unix milliseconds, UTC.</summary>
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long Version { get; set; }

    /// <summary>
    /// Where the resource stands in the store's one topological order (search order): unique,
    /// after every dependency. Null only between the upgrade that added it and the backfill that
    /// fills it at start (<see cref="TopologicalPositionBackfill"/>).
    /// </summary>
    public long? TopologicalPosition { get; set; }

    public List<DependencyRecord> Dependencies { get; set; } = [];
}

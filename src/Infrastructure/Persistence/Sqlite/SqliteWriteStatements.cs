using System.Text.Json;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The statements that change resources, run on a write's session inside its transaction. Each
/// reports its own database client span. Positions are kept by <see cref="SqliteTopologicalOrder"/>,
/// the stored count and the rows' dependency lists by triggers, in the same transaction.
/// </summary>
public sealed class SqliteWriteStatements(SqliteSession session)
{
    // The unique index on the position makes MAX a single seek.
    private static readonly SqliteStatement NextPosition = new("SELECT COALESCE(MAX(TopologicalPosition), 0) + 1 FROM Resources");

    // The row carries its dependency list from the start, so the triggers that keep that copy
    // have nothing to rewrite when the edges follow.
    private static readonly SqliteStatement InsertResource = new(
        "INSERT INTO Resources (Id, Name, NameKey, Description, DescriptionKey, CreatedAt, UpdatedAt, Version, TopologicalPosition, " +
        DependencyListColumn + ") VALUES ($id, $name, $nameKey, $description, $descriptionKey, $createdAt, $updatedAt, $version, $position, $dependencyList)",
        "$id", "$name", "$nameKey", "$description", "$descriptionKey", "$createdAt", "$updatedAt", "$version", "$position", "$dependencyList");

    // One statement for the whole list, in list order: json_each's key is the index.
    private static readonly SqliteStatement InsertDependencies = new(
        "INSERT INTO ResourceDependencies (ResourceId, DependsOnId, Position) SELECT $id, value, key FROM json_each($dependsOn)", "$id", "$dependsOn");

    private static readonly SqliteStatement UpdateResource = new(
        "UPDATE Resources SET Name = $name, NameKey = $nameKey, Description = $description, DescriptionKey = $descriptionKey, " +
        "UpdatedAt = $updatedAt, Version = $version WHERE Id = $id",
        "$id", "$name", "$nameKey", "$description", "$descriptionKey", "$updatedAt", "$version");

    private static readonly SqliteStatement DeleteDependencies = new("DELETE FROM ResourceDependencies WHERE ResourceId = $id", "$id");

    // Survivors that lose a dependency change: new version, updated time moves forward.
    private static readonly SqliteStatement TouchSurvivors = new(
        """
        UPDATE Resources
        SET Version = Version + 1, UpdatedAt = max($now, UpdatedAt + 1)
        WHERE Id IN (
            SELECT DISTINCT d.ResourceId FROM ResourceDependencies AS d
            WHERE d.DependsOnId IN (SELECT value FROM json_each($ids))
              AND d.ResourceId NOT IN (SELECT value FROM json_each($ids)))
        """, "$ids", "$now");

    // Foreign keys with ON DELETE CASCADE drop every edge from and to the deleted rows.
    private static readonly SqliteStatement DeleteResources = new("DELETE FROM Resources WHERE Id IN (SELECT value FROM json_each($ids))", "$ids");

    private const string DependencyListColumn = Migrations.DependencyListOnResources.Column;

    private readonly SqliteTopologicalOrder _order = new(session);

    /// <summary>Inserts <paramref name="resource"/> last in the topological order: its dependencies already stand before it.</summary>
    public void Insert(Resource resource)
    {
        var id = ResourceRow.Key(resource.Id);
        var position = Run(NextPosition, command => (long)command.ExecuteScalar()!);
        Run(InsertResource, command => command.ExecuteNonQuery(),
            id, resource.Name, resource.Name.ToLowerInvariant(), resource.Description, resource.Description?.ToLowerInvariant(),
            resource.CreatedAt.ToUnixTimeMilliseconds(), resource.UpdatedAt.ToUnixTimeMilliseconds(), resource.Version, position,
            ResourceRow.EncodeDependencies(resource.Dependencies));
        InsertEdges(id, resource.Dependencies);
    }

    /// <summary>Stores <paramref name="resource"/> over its previous version; its dependency list is replaced.</summary>
    /// <exception cref="ResourceNotFoundException">No such resource.</exception>
    public void Update(Resource resource)
    {
        var id = ResourceRow.Key(resource.Id);
        var updated = Run(UpdateResource, command => command.ExecuteNonQuery(),
            id, resource.Name, resource.Name.ToLowerInvariant(), resource.Description, resource.Description?.ToLowerInvariant(),
            resource.UpdatedAt.ToUnixTimeMilliseconds(), resource.Version);
        if (updated == 0)
        {
            throw new ResourceNotFoundException(resource.Id);
        }
        Run(DeleteDependencies, command => command.ExecuteNonQuery(), id);
        if (resource.Dependencies.Count > 0)
        {
            // Removed edges never break the order; each kept or new one must point backwards.
            _order.PlaceAfterDependencies(id, resource.Dependencies.Select(ResourceRow.Key).ToArray());
            InsertEdges(id, resource.Dependencies);
        }
    }

    /// <summary>Deletes <paramref name="ids"/> and their edges; survivors that depended on them get a new version at <paramref name="now"/>.</summary>
    public int Delete(IReadOnlyCollection<Guid> ids, DateTimeOffset now)
    {
        var idsJson = JsonSerializer.Serialize(ids.Select(ResourceRow.Key));
        Run(TouchSurvivors, command => command.ExecuteNonQuery(), idsJson, Timestamps.Normalize(now).ToUnixTimeMilliseconds());
        return Run(DeleteResources, command => command.ExecuteNonQuery(), idsJson);
    }

    private void InsertEdges(string id, IReadOnlyList<Guid> dependencies)
    {
        if (dependencies.Count > 0)
        {
            Run(InsertDependencies, command => command.ExecuteNonQuery(), id, JsonSerializer.Serialize(dependencies.Select(ResourceRow.Key)));
        }
    }

    private T Run<T>(SqliteStatement statement, Func<Microsoft.Data.Sqlite.SqliteCommand, T> run, params ReadOnlySpan<object?> values) =>
        session.Run(statement, run, values);
}

using System.Text.Json;
using CrudCqrs.Domain.Resources;
using Microsoft.EntityFrameworkCore;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Keeps <see cref="ResourceRecord.TopologicalPosition"/> a topological order of the whole graph
/// (docs/decisions/008-dynamic-topological-order.md). Every statement runs on the context's
/// current connection and transaction, so the order changes commit or roll back with the write
/// that needed them.
/// </summary>
public sealed class SqliteTopologicalOrder(ResourceDbContext db)
{
    /// <summary>A new resource goes after everything: its dependencies already stand before it.</summary>
    public async Task<long> NextPositionAsync(CancellationToken cancellationToken) =>
        await db.Database
            .SqlQueryRaw<long>("SELECT COALESCE(MAX(TopologicalPosition), 0) + 1 AS Value FROM Resources")
            .SingleAsync(cancellationToken);

    /// <summary>
    /// Before <paramref name="dependentId"/>'s dependency list is stored: reads where its
    /// dependencies stand in one statement and reorders only for those that stand after it.
    /// </summary>
    public async Task PlaceAfterDependenciesAsync(string dependentId, IReadOnlyCollection<string> dependencyIds, CancellationToken cancellationToken)
    {
        var positions = await db.Database
            .SqlQueryRaw<PositionRow>(
                "SELECT Id, TopologicalPosition AS Position FROM Resources WHERE Id IN (SELECT value FROM json_each({0}))",
                JsonSerializer.Serialize(dependencyIds.Append(dependentId)))
            .ToListAsync(cancellationToken);
        var own = positions.Single(p => p.Id == dependentId).Position;
        // The dependent only moves later and a dependency before it never moves past it, so
        // dependencies that stand before it now still do after each step.
        foreach (var later in positions.Where(p => p.Id != dependentId && p.Position > own).OrderBy(p => p.Position))
        {
            await PlaceBeforeAsync(later.Id, dependentId, cancellationToken);
        }
    }

    /// <summary>
    /// Makes room for the edge "<paramref name="dependentId"/> depends on <paramref name="dependencyId"/>"
    /// before it is stored: nothing moves when the dependency already stands first, else the
    /// Pearce–Kelly step reorders the window between the two.
    /// </summary>
    /// <exception cref="InvalidOperationException">The dependency would close a cycle (callers check that first).</exception>
    public async Task PlaceBeforeAsync(string dependencyId, string dependentId, CancellationToken cancellationToken)
    {
        var ends = await db.Database
            .SqlQueryRaw<PositionRow>(
                "SELECT Id, TopologicalPosition AS Position FROM Resources WHERE Id IN ({0}, {1})", dependencyId, dependentId)
            .ToListAsync(cancellationToken);
        var upper = ends.Single(e => e.Id == dependencyId).Position;
        var lower = ends.Single(e => e.Id == dependentId).Position;
        if (upper < lower)
        {
            return;
        }

        // Forward: the dependent and what depends on it, up to the dependency's position.
        // Backward: the dependency and what it depends on, down to the dependent's position.
        // Only nodes inside the window can be on a path between the two ends (the order is topological).
        var forward = await db.Database.SqlQueryRaw<PositionRow>(
            """
            WITH RECURSIVE walk(Id) AS (
                SELECT {0}
                UNION
                SELECT d.ResourceId FROM walk CROSS JOIN ResourceDependencies AS d ON d.DependsOnId = walk.Id
                JOIN Resources AS r ON r.Id = d.ResourceId
                WHERE r.TopologicalPosition <= {1}
            )
            SELECT r.Id, r.TopologicalPosition AS Position FROM walk JOIN Resources AS r ON r.Id = walk.Id
            """, dependentId, upper).ToListAsync(cancellationToken);
        if (forward.Any(n => n.Id == dependencyId))
        {
            throw new InvalidOperationException($"Ordering '{dependencyId}' before '{dependentId}' would close a cycle.");
        }
        var backward = await db.Database.SqlQueryRaw<PositionRow>(
            """
            WITH RECURSIVE walk(Id) AS (
                SELECT {0}
                UNION
                SELECT d.DependsOnId FROM walk CROSS JOIN ResourceDependencies AS d ON d.ResourceId = walk.Id
                JOIN Resources AS r ON r.Id = d.DependsOnId
                WHERE r.TopologicalPosition > {1}
            )
            SELECT r.Id, r.TopologicalPosition AS Position FROM walk JOIN Resources AS r ON r.Id = walk.Id
            """, dependencyId, lower).ToListAsync(cancellationToken);

        var moved = DynamicTopologicalOrder.Reorder(
            backward.Select(n => new PositionedNode(Guid.Parse(n.Id), n.Position)).ToArray(),
            forward.Select(n => new PositionedNode(Guid.Parse(n.Id), n.Position)).ToArray());
        var ids = JsonSerializer.Serialize(moved.Select(n => n.Id.ToString("D")));
        var assignments = JsonSerializer.Serialize(moved.Select(n => new object[] { n.Id.ToString("D"), n.Position }));
        // Positions are unique and SQLite checks that row by row: park the moving rows on the
        // negative side first (positions are positive), then give each its new place.
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE Resources SET TopologicalPosition = -TopologicalPosition WHERE Id IN (SELECT value FROM json_each({0}))",
            [ids], cancellationToken);
        await db.Database.ExecuteSqlRawAsync(
            """
            UPDATE Resources SET TopologicalPosition = moved.Position
            FROM (SELECT value ->> 0 AS Id, value ->> 1 AS Position FROM json_each({0})) AS moved
            WHERE Resources.Id = moved.Id
            """,
            [assignments], cancellationToken);
    }

    private sealed record PositionRow(string Id, long Position);
}

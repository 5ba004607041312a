using System.Text.Json;
using CrudCqrs.Domain.Resources;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Keeps <see cref="ResourceRecord.TopologicalPosition"/> a topological order of the whole graph
/// (docs/decisions/008-dynamic-topological-order.md). Every statement runs in the write's
/// transaction, so the order changes commit or roll back with the write that needed them.
/// </summary>
public sealed class SqliteTopologicalOrder(SqliteSession session)
{
    private static readonly SqliteStatement PositionsOf = new(
        "SELECT Id, TopologicalPosition FROM Resources WHERE Id IN (SELECT value FROM json_each($ids))", "$ids");

    // Forward: the dependent and what depends on it, up to the dependency's position.
    private static readonly SqliteStatement Forward = new(
        """
        WITH RECURSIVE walk(Id) AS (
            SELECT $start
            UNION
            SELECT d.ResourceId FROM walk CROSS JOIN ResourceDependencies AS d ON d.DependsOnId = walk.Id
            JOIN Resources AS r ON r.Id = d.ResourceId
            WHERE r.TopologicalPosition <= $bound
        )
        SELECT r.Id, r.TopologicalPosition FROM walk JOIN Resources AS r ON r.Id = walk.Id
        """, "$start", "$bound");

    // Backward: the dependency and what it depends on, down to the dependent's position.
    private static readonly SqliteStatement Backward = new(
        """
        WITH RECURSIVE walk(Id) AS (
            SELECT $start
            UNION
            SELECT d.DependsOnId FROM walk CROSS JOIN ResourceDependencies AS d ON d.ResourceId = walk.Id
            JOIN Resources AS r ON r.Id = d.DependsOnId
            WHERE r.TopologicalPosition > $bound
        )
        SELECT r.Id, r.TopologicalPosition FROM walk JOIN Resources AS r ON r.Id = walk.Id
        """, "$start", "$bound");

    // Positions are unique and SQLite checks that row by row: the moving rows are parked on the
    // negative side first (positions are positive), then each gets its new place.
    private static readonly SqliteStatement Park = new(
        "UPDATE Resources SET TopologicalPosition = -TopologicalPosition WHERE Id IN (SELECT value FROM json_each($ids))", "$ids");

    private static readonly SqliteStatement Assign = new(
        """
        UPDATE Resources SET TopologicalPosition = moved.Position
        FROM (SELECT value ->> 0 AS Id, value ->> 1 AS Position FROM json_each($assignments)) AS moved
        WHERE Resources.Id = moved.Id
        """, "$assignments");

    /// <summary>
    /// Before <paramref name="dependentId"/>'s dependency list is stored: reads where its
    /// dependencies stand in one statement and reorders only for those that stand after it.
    /// </summary>
    public void PlaceAfterDependencies(string dependentId, IReadOnlyCollection<string> dependencyIds)
    {
        var positions = Positions(PositionsOf, JsonSerializer.Serialize(dependencyIds.Append(dependentId)));
        var own = positions.Single(p => p.Id == dependentId).Position;
        // The dependent only moves later and a dependency before it never moves past it, so
        // dependencies that stand before it now still do after each step.
        foreach (var later in positions.Where(p => p.Id != dependentId && p.Position > own).OrderBy(p => p.Position))
        {
            PlaceBefore(later.Id, dependentId);
        }
    }

    /// <summary>
    /// Makes room for the edge "<paramref name="dependentId"/> depends on <paramref name="dependencyId"/>"
    /// before it is stored: nothing moves when the dependency already stands first, else the
    /// Pearce–Kelly step reorders the window between the two.
    /// </summary>
    /// <exception cref="InvalidOperationException">The dependency would close a cycle (callers check that first).</exception>
    public void PlaceBefore(string dependencyId, string dependentId)
    {
        var ends = Positions(PositionsOf, JsonSerializer.Serialize(new[] { dependencyId, dependentId }));
        var upper = ends.Single(e => e.Id == dependencyId).Position;
        var lower = ends.Single(e => e.Id == dependentId).Position;
        if (upper < lower)
        {
            return;
        }
        // Only nodes inside the window can be on a path between the two ends (the order is topological).
        var forward = Positions(Forward, dependentId, upper);
        if (forward.Any(n => n.Id == dependencyId))
        {
            throw new InvalidOperationException($"Ordering '{dependencyId}' before '{dependentId}' would close a cycle.");
        }
        var backward = Positions(Backward, dependencyId, lower);

        var moved = DynamicTopologicalOrder.Reorder(
            backward.Select(n => new PositionedNode(Guid.Parse(n.Id), n.Position)).ToArray(),
            forward.Select(n => new PositionedNode(Guid.Parse(n.Id), n.Position)).ToArray());
        var ids = JsonSerializer.Serialize(moved.Select(n => ResourceRow.Key(n.Id)));
        var assignments = JsonSerializer.Serialize(moved.Select(n => new object[] { ResourceRow.Key(n.Id), n.Position }));
        session.Run(Park, command => command.ExecuteNonQuery(), ids);
        session.Run(Assign, command => command.ExecuteNonQuery(), assignments);
    }

    private List<(string Id, long Position)> Positions(SqliteStatement statement, params ReadOnlySpan<object?> values) =>
        session.Run(statement, ReadPositions, values);

    private static List<(string Id, long Position)> ReadPositions(SqliteCommand command)
    {
        var positions = new List<(string Id, long Position)>();
        using var rows = command.ExecuteReader();
        while (rows.Read())
        {
            positions.Add((rows.GetString(0), rows.GetInt64(1)));
        }
        return positions;
    }
}

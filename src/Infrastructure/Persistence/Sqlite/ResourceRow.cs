using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The one row layout every resource read selects, and the one mapping between it and a
/// <see cref="Resource"/>. A row carries its own dependency list as <c>position:id</c> pairs
/// (kept by triggers in the same transaction as the edges, migration DependencyListOnResources),
/// so a resource is always one row, never a join.
/// </summary>
public static class ResourceRow
{
    /// <summary>The columns, in the order <see cref="Read"/> reads them, of <c>Resources AS r</c>.</summary>
    public const string Columns =
        "r.Id, r.Name, r.Description, r.CreatedAt, r.UpdatedAt, r.Version, r.TopologicalPosition, r." + DependencyListOnResources.Column;

    private const int PositionColumn = 6;
    private const int DependenciesColumn = 7;

    public static Resource Read(SqliteReadStatement row) => new()
    {
        Id = row.Guid(0),
        Name = row.String(1),
        Description = row.IsNull(2) ? null : row.String(2),
        CreatedAt = Timestamps.FromUnixMilliseconds(row.Int64(3)),
        UpdatedAt = Timestamps.FromUnixMilliseconds(row.Int64(4)),
        Version = row.Int64(5),
        Dependencies = row.IsNull(DependenciesColumn) ? [] : DecodeDependencies(row.Utf8(DependenciesColumn)),
    };

    /// <summary>The row's place in the dependency order (search order); null only before the start-up backfill.</summary>
    public static long? Position(SqliteReadStatement row) => row.IsNull(PositionColumn) ? null : row.Int64(PositionColumn);

    /// <summary>The count a page statement carries in the column after the row's own.</summary>
    public static long PageTotal(SqliteReadStatement row) => row.Int64(DependenciesColumn + 1);

    /// <summary>How the store writes an id: lowercase <c>D</c> format, so SQL and JSON agree on order.</summary>
    public static string Key(Guid id) => id.ToString("D");

    /// <summary>
    /// The ids of a <c>position:id,position:id…</c> list, in list order: the pairs come in no
    /// promised order, so they are sorted by position.
    /// </summary>
    public static Guid[] DecodeDependencies(ReadOnlySpan<byte> pairs)
    {
        var count = pairs.Count((byte)',') + 1;
        var ids = new Guid[count];
        Span<int> positions = count <= 128 ? stackalloc int[count] : new int[count];
        var rest = pairs;
        for (var i = 0; i < count; i++)
        {
            var comma = rest.IndexOf((byte)',');
            var pair = comma < 0 ? rest : rest[..comma];
            var colon = pair.IndexOf((byte)':');
            if (colon <= 0 || !Utf8Parser.TryParse(pair[..colon], out positions[i], out var consumed) || consumed != colon)
            {
                throw new FormatException("A dependency list is not a list of position:id pairs.");
            }
            ids[i] = SqliteReadStatement.ParseGuid(pair[(colon + 1)..]);
            rest = comma < 0 ? [] : rest[(comma + 1)..];
        }
        if (count > 1)
        {
            positions.Sort(ids.AsSpan());
        }
        return ids;
    }

    /// <summary>The list as <see cref="DecodeDependencies"/> reads it and the triggers write it; null for none.</summary>
    public static string? EncodeDependencies(IReadOnlyList<Guid> dependencies)
    {
        if (dependencies.Count == 0)
        {
            return null;
        }
        var text = new StringBuilder(dependencies.Count * 40);
        for (var i = 0; i < dependencies.Count; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(i.ToString(CultureInfo.InvariantCulture)).Append(':').Append(Key(dependencies[i]));
        }
        return text.ToString();
    }
}

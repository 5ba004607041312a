using System.Text.RegularExpressions;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The statement shapes of a page read, each kept prepared by <see cref="SqliteReadPool"/>: the
/// list by offset or after a (created at, id) cursor, and search by offset or after a position,
/// blank, scanned (short texts) or narrowed by the trigram index.
/// </summary>
/// <remarks>
/// One statement reads a page: its rows in index order up to the limit, each with its dependency
/// ids as one text of <c>position:id</c> pairs (ordered by the reader: ordering inside SQL would
/// start a sorter per row, and a join would sort the whole page), and the count as an
/// uncorrelated scalar subquery that SQLite evaluates once. One statement reads one snapshot, so
/// the page, its dependencies and its count agree without a transaction; nothing past the page is
/// read except what the count needs.
/// </remarks>
public sealed partial class SqlitePageQuery
{
    public const int Count = 8;

    public static readonly SqlitePageQuery ListByOffset = new(0, "", "r.CreatedAt, r.Id", StoredCount) { ReadsPositions = false };
    public static readonly SqlitePageQuery ListAfter = new(1, "(r.CreatedAt, r.Id) > ($afterTime, $afterId)", "r.CreatedAt, r.Id", StoredCount) { ReadsPositions = false };

    private static readonly SqlitePageQuery[] Searches =
    [
        new(2, "", "r.TopologicalPosition", StoredCount),
        new(3, "r.TopologicalPosition > $after", "r.TopologicalPosition", StoredCount),
        new(4, ScanFilter, "r.TopologicalPosition", MatchCount(ScanFilter)),
        new(5, ScanFilter + " AND r.TopologicalPosition > $after", "r.TopologicalPosition", MatchCount(ScanFilter)),
        Indexed(6, ""),
        Indexed(7, "WHERE TopologicalPosition > $after "),
    ];

    /// <summary>The count the triggers keep in the same transactions as the rows: constant time.</summary>
    private const string StoredCount = "SELECT Total FROM ResourceCount WHERE Id = 1";

    /// <summary>A resource's dependencies as <c>position:id</c> pairs separated by commas; NULL when it has none.</summary>
    private const string DependencyList =
        "SELECT group_concat(d.Position || ':' || d.DependsOnId, ',') FROM ResourceDependencies AS d WHERE d.ResourceId = r.Id";

    /// <summary>The search rule itself: a plain substring of either lowercased key.</summary>
    private const string ScanFilter = "(instr(r.NameKey, $key) > 0 OR instr(r.DescriptionKey, $key) > 0)";

    /// <summary>
    /// The trigram index narrows to candidates, found again by FTS rowid through
    /// ResourceSearchKeys (reading the index's own Id column costs a lookup in its content table
    /// per candidate); the exact test keeps the scan's semantics.
    /// </summary>
    private const string IndexedMatches =
        "FROM ResourceSearch AS s CROSS JOIN ResourceSearchKeys AS k ON k.SearchRowId = s.rowid CROSS JOIN Resources AS r ON r.Id = k.Id " +
        "WHERE s.ResourceSearch MATCH $match AND " + ScanFilter;

    private SqlitePageQuery(int index, string where, string order, string countSql)
        : this(index, countSql,
            $"SELECT {Columns}, ({countSql}) AS Total FROM Resources AS r " +
            (where.Length > 0 ? $"WHERE {where} " : "") +
            $"ORDER BY {order} LIMIT {Limit} OFFSET $offset")
    {
    }

    private SqlitePageQuery(int index, string countSql, string pageSql)
    {
        Index = index;
        CountSql = countSql;
        PageSql = pageSql;
    }

    /// <summary>
    /// An indexed search: the trigram index and the exact test find the matches once, for the
    /// count and for the page (the match set comes from the index in its own order, so its
    /// positions are sorted either way); only the page's rows are then read in full.
    /// </summary>
    private static SqlitePageQuery Indexed(int index, string afterCondition) => new(
        index,
        $"SELECT COUNT(*) {IndexedMatches}",
        $"WITH m AS MATERIALIZED (SELECT r.Id, r.TopologicalPosition {IndexedMatches}), " +
        $"p AS (SELECT Id, TopologicalPosition FROM m {afterCondition}ORDER BY TopologicalPosition LIMIT {Limit} OFFSET $offset) " +
        $"SELECT {Columns}, (SELECT COUNT(*) FROM m) AS Total FROM p CROSS JOIN Resources AS r ON r.Id = p.Id " +
        "ORDER BY p.TopologicalPosition");

    /// <summary>
    /// The page size as an expression, not a lone parameter: with the SQLite this build ships
    /// (3.53), a bare <c>LIMIT $limit</c> makes the statement depend on the bound value, so each
    /// binding expires it and the next step prepares it again (one re-preparation per page,
    /// a fifth of a search page's CPU). The plan is the same either way.
    /// </summary>
    private const string Limit = "($limit + 0)";

    private const string Columns =
        "r.Id, r.Name, r.Description, r.CreatedAt, r.UpdatedAt, r.Version, r.TopologicalPosition, (" + DependencyList + ") AS Dependencies";

    /// <summary>Where this shape's prepared statements sit in a read session.</summary>
    public int Index { get; }

    public string PageSql { get; }

    /// <summary>Whether the page's last position is read (a search's cursor); a list page's cursor is made from its last item.</summary>
    public bool ReadsPositions { get; private init; } = true;

    /// <summary>The count alone, for an empty page (which has no row to carry it).</summary>
    public string CountSql { get; }

    public static SqlitePageQuery Search(SqliteSearchText? text, bool afterPosition) =>
        Searches[(text is null ? 0 : text.Indexed ? 4 : 2) + (afterPosition ? 1 : 0)];

    /// <summary>The parameters <paramref name="sql"/> names, each once.</summary>
    public static IEnumerable<string> ParameterNames(string sql) => ParameterPattern().Matches(sql).Select(m => m.Value).Distinct();

    private static string MatchCount(string filter) => $"SELECT COUNT(*) FROM Resources AS r WHERE {filter}";

    [GeneratedRegex(@"\$[a-zA-Z]+")]
    private static partial Regex ParameterPattern();
}

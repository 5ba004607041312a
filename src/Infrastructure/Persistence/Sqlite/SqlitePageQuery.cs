using System.Text.RegularExpressions;
using CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The statement shapes of a page read, each kept prepared by <see cref="SqliteReadPool"/>: the
/// list by offset or after a (created at, id) cursor, and search by offset or after a position,
/// blank, scanned (short texts) or narrowed by the trigram index.
/// </summary>
/// <remarks>
/// One statement reads a page: its rows in index order up to the limit, each with the dependency
/// list its row carries (the DependencyListOnResources migration), and the count as an uncorrelated
/// scalar subquery that SQLite evaluates once. One statement reads one snapshot, so the page and
/// its count agree without a transaction; nothing past the page is read except what the count
/// needs. An indexed search is the exception: see <see cref="RowSql"/>.
/// </remarks>
public sealed partial class SqlitePageQuery
{
    public const int Count = 7;

    public static readonly SqlitePageQuery ListByOffset = new(0, "", "r.CreatedAt, r.Id", StoredCount) { ReadsPositions = false };
    public static readonly SqlitePageQuery ListAfter = new(1, "(r.CreatedAt, r.Id) > ($afterTime, $afterId)", "r.CreatedAt, r.Id", StoredCount) { ReadsPositions = false };

    /// <summary>
    /// The matches of an indexed search, by offset or after a position alike: every match's rowid
    /// and position in search order, so the reader counts them all and takes the page's rows from
    /// the sequence as it passes (with <see cref="RowSql"/>).
    /// </summary>
    public static readonly SqlitePageQuery IndexedMatches = new(6, "",
        $"SELECT r.rowid, r.TopologicalPosition {Matches} ORDER BY r.TopologicalPosition") { ReadsMatches = true };

    private static readonly SqlitePageQuery[] Searches =
    [
        new(2, "", "r.TopologicalPosition", StoredCount),
        new(3, "r.TopologicalPosition > $after", "r.TopologicalPosition", StoredCount),
        new(4, ScanFilter, "r.TopologicalPosition", MatchCount(ScanFilter)),
        new(5, ScanFilter + " AND r.TopologicalPosition > $after", "r.TopologicalPosition", MatchCount(ScanFilter)),
        IndexedMatches,
        IndexedMatches,
    ];

    /// <summary>
    /// One page row of an indexed search, by the rowid its match gave, stepped while the matches
    /// statement is still open: the same read transaction, so page and count come from one
    /// snapshot. The match set stays two columns wide; carrying every column through the sort, or
    /// materializing the matches to count them and page them in one statement (an ephemeral
    /// table: more than a third of a page's SQLite time), cost more than these lookups.
    /// </summary>
    public const string RowSql = $"SELECT {Columns} FROM Resources AS r WHERE r.rowid = $row";

    /// <summary>The count the triggers keep in the same transactions as the rows: constant time.</summary>
    private const string StoredCount = "SELECT Total FROM ResourceCount WHERE Id = 1";

    /// <summary>The search rule itself: a plain substring of either lowercased key.</summary>
    private const string ScanFilter = "(instr(r.NameKey, $key) > 0 OR instr(r.DescriptionKey, $key) > 0)";

    /// <summary>
    /// The trigram index narrows to candidates, found again by FTS rowid through
    /// ResourceSearchKeys (reading the index's own Id column costs a lookup in its content table
    /// per candidate); the exact test keeps the scan's semantics.
    /// </summary>
    private const string Matches =
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
    /// The page size as an expression, not a lone parameter: with the SQLite this build ships
    /// (3.53), a bare <c>LIMIT $limit</c> makes the statement depend on the bound value, so each
    /// binding expires it and the next step prepares it again (one re-preparation per page,
    /// a fifth of a search page's CPU). The plan is the same either way.
    /// </summary>
    private const string Limit = "($limit + 0)";

    /// <summary>A page row's columns, in the order the reader reads them.</summary>
    private const string Columns =
        "r.Id, r.Name, r.Description, r.CreatedAt, r.UpdatedAt, r.Version, r.TopologicalPosition, r." + DependencyListOnResources.Column;

    /// <summary>Where this shape's prepared statements sit in a read session.</summary>
    public int Index { get; }

    public string PageSql { get; }

    /// <summary>Whether the page's last position is read (a search's cursor); a list page's cursor is made from its last item.</summary>
    public bool ReadsPositions { get; private init; } = true;

    /// <summary>Whether the statement gives matches (rowid, position) for <see cref="RowSql"/> rather than page rows.</summary>
    public bool ReadsMatches { get; private init; }

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

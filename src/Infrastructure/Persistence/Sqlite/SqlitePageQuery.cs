using CrudCqrs.Infrastructure.Observability;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The statement shapes of a page read: the list by offset or after a (created at, id) cursor,
/// and search by offset or after a position, blank, scanned (short texts) or narrowed by the
/// trigram index.
/// </summary>
/// <remarks>
/// One statement reads a page: its rows in index order up to the limit (in
/// <see cref="ResourceRow"/>'s layout) and the count as an uncorrelated scalar subquery that
/// SQLite evaluates once. One statement reads one snapshot, so the page and its count agree
/// without a transaction. An indexed search is the exception: see <see cref="Row"/>.
/// </remarks>
public sealed class SqlitePageQuery
{
    /// <summary>Every page read reports as a read of the resources, whatever tables it touches.</summary>
    public static readonly DatabaseSpans.Summary SelectResources = new("SELECT", "Resources");

    /// <summary>
    /// The count the triggers keep in the same transactions as the rows: constant time. One
    /// statement object for every use, so a session prepares it once.
    /// </summary>
    public static readonly SqliteStatement StoredCount = Statement("SELECT Total FROM ResourceCount WHERE Id = 1");

    /// <summary>The count of a search's matches, by the search rule itself.</summary>
    private static readonly SqliteStatement MatchCount = Statement($"SELECT COUNT(*) FROM Resources AS r WHERE {ScanFilter}");

    public static readonly SqlitePageQuery ListByOffset = new("", "r.CreatedAt, r.Id", StoredCount) { ReadsPositions = false };

    /// <summary>A row-value comparison, so SQLite seeks the (CreatedAt, Id) index to the cursor.</summary>
    public static readonly SqlitePageQuery ListAfter = new("(r.CreatedAt, r.Id) > ($afterTime, $afterId)", "r.CreatedAt, r.Id", StoredCount) { ReadsPositions = false };

    /// <summary>
    /// The matches of an indexed search, by offset or after a position alike: every match's rowid
    /// and position in search order, so the reader counts them all and takes the page's rows from
    /// the sequence as it passes (with <see cref="Row"/>).
    /// </summary>
    public static readonly SqlitePageQuery IndexedMatches =
        new(Statement($"SELECT r.rowid, r.TopologicalPosition {Matches} ORDER BY r.TopologicalPosition"), MatchCount) { ReadsMatches = true };

    /// <summary>
    /// One page row of an indexed search, by the rowid its match gave, read while the matches
    /// statement is still open: the same read transaction, so page and count come from one
    /// snapshot, and the match set stays two columns wide.
    /// </summary>
    public static readonly SqliteStatement Row = Statement($"SELECT {ResourceRow.Columns} FROM Resources AS r WHERE r.rowid = $row");

    private static readonly SqlitePageQuery[] Searches =
    [
        new("", "r.TopologicalPosition", StoredCount),
        new("r.TopologicalPosition > $after", "r.TopologicalPosition", StoredCount),
        new(ScanFilter, "r.TopologicalPosition", MatchCount),
        new(ScanFilter + " AND r.TopologicalPosition > $after", "r.TopologicalPosition", MatchCount),
        IndexedMatches,
        IndexedMatches,
    ];

    /// <summary>The search rule itself: a plain substring of either lowercased key.</summary>
    private const string ScanFilter = "(instr(r.NameKey, $key) > 0 OR instr(r.DescriptionKey, $key) > 0)";

    /// <summary>
    /// The trigram index narrows to candidates, found again by FTS rowid through
    /// ResourceSearchKeys (the index's own Id column would cost a lookup in its content table per
    /// candidate); the exact test keeps the scan's semantics.
    /// </summary>
    private const string Matches =
        "FROM ResourceSearch AS s CROSS JOIN ResourceSearchKeys AS k ON k.SearchRowId = s.rowid CROSS JOIN Resources AS r ON r.Id = k.Id " +
        "WHERE s.ResourceSearch MATCH $match AND " + ScanFilter;

    /// <summary>
    /// The page size as an expression, not a lone parameter: with the bundled SQLite (3.53) a bare
    /// <c>LIMIT $limit</c> makes the statement depend on the bound value, so every binding would
    /// expire it and prepare it again. The plan is the same either way.
    /// </summary>
    private const string Limit = "($limit + 0)";

    private SqlitePageQuery(string where, string order, SqliteStatement count)
        : this(
            Statement($"SELECT {ResourceRow.Columns}, ({count.Sql}) AS Total FROM Resources AS r " +
                (where.Length > 0 ? $"WHERE {where} " : "") + $"ORDER BY {order} LIMIT {Limit} OFFSET $offset"),
            count)
    {
    }

    private SqlitePageQuery(SqliteStatement page, SqliteStatement count)
    {
        Page = page;
        Count = count;
    }

    /// <summary>The page's rows, each with the count in the column after the row's own.</summary>
    public SqliteStatement Page { get; }

    /// <summary>The count alone, for an empty page (which has no row to carry it).</summary>
    public SqliteStatement Count { get; }

    /// <summary>Whether the page's last position is read (a search's cursor); a list page's cursor is made from its last item.</summary>
    public bool ReadsPositions { get; private init; } = true;

    /// <summary>Whether <see cref="Page"/> gives matches (rowid, position) for <see cref="Row"/> rather than page rows.</summary>
    public bool ReadsMatches { get; private init; }

    public static SqlitePageQuery Search(SqliteSearchText? text, bool afterPosition) =>
        Searches[(text is null ? 0 : text.Indexed ? 4 : 2) + (afterPosition ? 1 : 0)];

    private static SqliteStatement Statement(string sql) =>
        // Read through SqliteReadStatement, which binds by name: no parameter list needed.
        new(SelectResources, sql);
}

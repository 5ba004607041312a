using System.Text.Json;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Every resource read, on one session: by id, pages of the list and of search, the count, and the
/// walks a write's checks make. Outside a write the session is a pooled reader's; inside one it is
/// the writer's, so the checks see the write's own transaction. Rows come in
/// <see cref="ResourceRow"/>'s layout and are mapped there.
/// </summary>
public sealed class SqliteResourceReader(SqliteSession session)
{
    private static readonly SqliteStatement FindById = new(
        SqlitePageQuery.SelectResources, $"SELECT {ResourceRow.Columns} FROM Resources AS r WHERE r.Id = $id", "$id");

    private static readonly SqliteStatement FindExistingIds = new(
        "SELECT Id FROM Resources WHERE Id IN (SELECT value FROM json_each($ids))", "$ids");

    // Reads only the reachable part of the graph and does not expand past the resource being
    // updated. CROSS JOIN pins the join order (SQLite's documented hint): left alone, SQLite 3.53
    // scans every edge with a Bloom filter on the walk, which makes the check cost O(table).
    private static readonly SqliteStatement Reachable = new(
        $"""
        WITH RECURSIVE reach(id) AS (
            SELECT value FROM json_each($roots)
            UNION
            SELECT d.DependsOnId FROM ResourceDependencies AS d JOIN reach ON d.ResourceId = reach.id
            WHERE reach.id <> $stopAt
        )
        SELECT {ResourceRow.Columns} FROM reach CROSS JOIN Resources AS r ON r.Id = reach.id
        WHERE reach.id <> $stopAt
        """, "$roots", "$stopAt");

    private static readonly SqliteStatement Dependents = new(
        """
        WITH RECURSIVE dependents(id) AS (
            SELECT ResourceId FROM ResourceDependencies WHERE DependsOnId = $id
            UNION
            SELECT d.ResourceId FROM ResourceDependencies AS d JOIN dependents ON d.DependsOnId = dependents.id
        )
        SELECT id FROM dependents
        """, "$id");

    private readonly List<Resource> _items = new(100);

    public Resource? Find(Guid id) => Run(FindById, id, static (row, id) =>
    {
        row.Bind(1, id);
        return row.Step(first: true) ? ResourceRow.Read(row) : null;
    });

    public long Count() => Run(SqlitePageQuery.StoredCount, 0, static (row, _) => row.Step(first: true) ? row.Int64(0) : 0);

    /// <summary>A page of the list in (created at, id) order, by offset, and the stored count.</summary>
    public ResourcePage ListPage(int offset, int limit)
    {
        var page = ReadPage(new PageRead(SqlitePageQuery.ListByOffset, null, null, null, offset, limit));
        return new ResourcePage(page.Items, page.TotalCount);
    }

    /// <summary>The list page after <paramref name="after"/>, by seeking the (CreatedAt, Id) index.</summary>
    public ResourcePage ListPageAfter(ResourceCursor after, int limit)
    {
        var page = ReadPage(new PageRead(SqlitePageQuery.ListAfter, null, after, null, 0, limit));
        return new ResourcePage(page.Items, page.TotalCount);
    }

    /// <summary>
    /// A search page in dependency order, after <paramref name="afterPosition"/> or at
    /// <paramref name="offset"/>, and the number of matches, from one snapshot.
    /// </summary>
    public SearchPage SearchPage(SqliteSearchText? text, long? afterPosition, int offset, int limit)
    {
        var page = ReadPage(new PageRead(SqlitePageQuery.Search(text, afterPosition is not null), text, null, afterPosition, offset, limit));
        return new SearchPage(page.Items, page.TotalCount, page.Items.Count == 0 ? null : page.LastPosition);
    }

    /// <summary>Which of <paramref name="ids"/> exist.</summary>
    public IReadOnlySet<Guid> FindExisting(IReadOnlyCollection<Guid> ids) => Run(FindExistingIds, ids, static (rows, ids) =>
    {
        var found = new HashSet<Guid>(ids.Count);
        rows.Bind(1, JsonSerializer.Serialize(ids.Select(ResourceRow.Key)));
        for (var first = true; rows.Step(first); first = false)
        {
            found.Add(rows.Guid(0));
        }
        return (IReadOnlySet<Guid>)found;
    });

    /// <summary>The dependency lists of every resource reachable from <paramref name="roots"/>, not expanding past <paramref name="stopAt"/>.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> LoadReachableDependencies(IReadOnlyCollection<Guid> roots, Guid stopAt) =>
        Run(Reachable, (roots, stopAt), static (rows, walk) =>
    {
        var lists = new Dictionary<Guid, IReadOnlyList<Guid>>();
        rows.Bind("$roots", JsonSerializer.Serialize(walk.roots.Select(ResourceRow.Key)));
        rows.Bind("$stopAt", walk.stopAt);
        for (var first = true; rows.Step(first); first = false)
        {
            // As the port promises: only resources that have dependencies.
            if (ResourceRow.Read(rows) is { Dependencies.Count: > 0 } resource)
            {
                lists[resource.Id] = resource.Dependencies;
            }
        }
        return (IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>)lists;
    });

    /// <summary>Every resource depending on <paramref name="id"/> directly or transitively, itself excluded.</summary>
    public IReadOnlyList<Guid> FindTransitiveDependents(Guid id) => Run(Dependents, id, static (rows, id) =>
    {
        var ids = new List<Guid>();
        rows.Bind(1, id);
        for (var first = true; rows.Step(first); first = false)
        {
            ids.Add(rows.Guid(0));
        }
        return (IReadOnlyList<Guid>)ids;
    });

    /// <summary>One page read: the query, the search text if any, where it starts (a list cursor, a search position or an offset) and its size.</summary>
    private readonly record struct PageRead(
        SqlitePageQuery Query, SqliteSearchText? Text, ResourceCursor? Cursor, long? AfterPosition, int Offset, int Limit);

    private (IReadOnlyList<Resource> Items, long TotalCount, long? LastPosition) ReadPage(PageRead read) =>
        Run(read.Query.Page, (reader: this, read), static (rows, state) => state.reader.ReadPage(rows, state.read));

    private (IReadOnlyList<Resource> Items, long TotalCount, long? LastPosition) ReadPage(SqliteReadStatement rows, PageRead read)
    {
        _items.Clear();
        if (read.Query.ReadsMatches)
        {
            return ReadMatches(rows, read.Text!, read.AfterPosition, read.Offset, read.Limit);
        }
        long? total = null;
        long? lastPosition = null;
        Bind(rows, read.Text, read.Cursor, read.AfterPosition);
        rows.Bind("$limit", read.Limit);
        rows.Bind("$offset", read.Offset);
        while (rows.Step(first: _items.Count == 0))
        {
            _items.Add(ResourceRow.Read(rows));
            total ??= ResourceRow.PageTotal(rows);
            if (read.Query.ReadsPositions)
            {
                lastPosition = ResourceRow.Position(rows);
            }
        }
        rows.Reset();
        if (total is null)
        {
            // An empty page has no row to carry the count.
            var count = session.Read(read.Query.Count);
            try
            {
                Bind(count, read.Text, cursor: null, afterPosition: null);
                total = count.Step(first: true) ? count.Int64(0) : 0;
            }
            finally
            {
                count.Reset();
            }
        }
        return (_items.ToArray(), total.Value, lastPosition);
    }

    /// <summary>
    /// An indexed search page: every match in search order is counted, and the page's rows are
    /// read by rowid as their matches pass (after <paramref name="after"/>, then past
    /// <paramref name="offset"/>), while the matches statement keeps the read transaction open.
    /// </summary>
    private (IReadOnlyList<Resource> Items, long TotalCount, long? LastPosition) ReadMatches(
        SqliteReadStatement matches, SqliteSearchText text, long? after, int offset, int limit)
    {
        var row = session.Read(SqlitePageQuery.Row);
        long total = 0;
        long? lastPosition = null;
        var skip = offset;
        Bind(matches, text, cursor: null, afterPosition: null);
        while (matches.Step(first: total == 0))
        {
            total++;
            if (_items.Count == limit)
            {
                continue;
            }
            var position = matches.Int64(1);
            if (position <= after || skip-- > 0)
            {
                continue;
            }
            row.Bind(1, matches.Int64(0));
            try
            {
                if (row.Step(first: false))
                {
                    _items.Add(ResourceRow.Read(row));
                    lastPosition = position;
                }
            }
            finally
            {
                row.Reset();
            }
        }
        return (_items.ToArray(), total, lastPosition);
    }

    private static void Bind(SqliteReadStatement statement, SqliteSearchText? text, ResourceCursor? cursor, long? afterPosition)
    {
        if (text is not null)
        {
            statement.Bind("$key", text.Key);
            if (text.Indexed)
            {
                statement.Bind("$match", text.MatchExpression);
            }
        }
        if (cursor is not null)
        {
            statement.Bind("$afterTime", Timestamps.Normalize(cursor.CreatedAt).ToUnixTimeMilliseconds());
            statement.Bind("$afterId", cursor.Id);
        }
        if (afterPosition is { } position)
        {
            statement.Bind("$after", position);
        }
    }

    /// <summary>
    /// Runs one read under its client span on <paramref name="statement"/>, prepared on this
    /// session; the statement is reset afterwards (its snapshot released), and a failure marks the
    /// span before it propagates.
    /// </summary>
    private T Run<TState, T>(SqliteStatement statement, TState state, Func<SqliteReadStatement, TState, T> read)
    {
        using var span = session.StartSpan(statement);
        SqliteReadStatement? prepared = null;
        try
        {
            prepared = session.Read(statement);
            return read(prepared, state);
        }
        catch (Exception exception)
        {
            SqliteSession.Fail(span, exception);
            throw;
        }
        finally
        {
            prepared?.Reset();
        }
    }
}

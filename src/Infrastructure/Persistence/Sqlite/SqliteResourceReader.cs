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

    public Resource? Find(Guid id) => Run(FindById, row =>
    {
        row.Bind(1, ResourceRow.Key(id));
        return row.Step(first: true) ? ResourceRow.Read(row) : null;
    });

    public long Count() => Run(SqlitePageQuery.StoredCount, row => row.Step(first: true) ? row.Int64(0) : 0);

    /// <summary>A page of the list in (created at, id) order, by offset, and the stored count.</summary>
    public ResourcePage ListPage(int offset, int limit)
    {
        var page = ReadPage(SqlitePageQuery.ListByOffset, null, null, offset, limit);
        return new ResourcePage(page.Items, page.TotalCount);
    }

    /// <summary>The list page after <paramref name="after"/>, by seeking the (CreatedAt, Id) index.</summary>
    public ResourcePage ListPageAfter(ResourceCursor after, int limit)
    {
        var page = ReadPage(SqlitePageQuery.ListAfter, null, after, 0, limit);
        return new ResourcePage(page.Items, page.TotalCount);
    }

    /// <summary>
    /// A search page in dependency order, after <paramref name="afterPosition"/> or at
    /// <paramref name="offset"/>, and the number of matches, from one snapshot.
    /// </summary>
    public SearchPage SearchPage(SqliteSearchText? text, long? afterPosition, int offset, int limit)
    {
        var page = ReadPage(SqlitePageQuery.Search(text, afterPosition is not null), text, afterPosition, offset, limit);
        return new SearchPage(page.Items, page.TotalCount, page.Items.Count == 0 ? null : page.LastPosition);
    }

    /// <summary>Which of <paramref name="ids"/> exist.</summary>
    public IReadOnlySet<Guid> FindExisting(IReadOnlyCollection<Guid> ids) => Run(FindExistingIds, rows =>
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
    public IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> LoadReachableDependencies(IReadOnlyCollection<Guid> roots, Guid stopAt) => Run(Reachable, rows =>
    {
        var lists = new Dictionary<Guid, IReadOnlyList<Guid>>();
        rows.Bind("$roots", JsonSerializer.Serialize(roots.Select(ResourceRow.Key)));
        rows.Bind("$stopAt", ResourceRow.Key(stopAt));
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
    public IReadOnlyList<Guid> FindTransitiveDependents(Guid id) => Run(Dependents, rows =>
    {
        var ids = new List<Guid>();
        rows.Bind(1, ResourceRow.Key(id));
        for (var first = true; rows.Step(first); first = false)
        {
            ids.Add(rows.Guid(0));
        }
        return (IReadOnlyList<Guid>)ids;
    });

    private (IReadOnlyList<Resource> Items, long TotalCount, long? LastPosition) ReadPage(
        SqlitePageQuery query, SqliteSearchText? text, object? after, int offset, int limit) => Run(query.Page, rows =>
    {
        _items.Clear();
        if (query.ReadsMatches)
        {
            return ReadMatches(rows, text!, after as long?, offset, limit);
        }
        long? total = null;
        long? lastPosition = null;
        Bind(rows, text, after);
        rows.Bind("$limit", limit);
        rows.Bind("$offset", offset);
        while (rows.Step(first: _items.Count == 0))
        {
            _items.Add(ResourceRow.Read(rows));
            total ??= ResourceRow.PageTotal(rows);
            if (query.ReadsPositions)
            {
                lastPosition = ResourceRow.Position(rows);
            }
        }
        rows.Reset();
        if (total is null)
        {
            // An empty page has no row to carry the count.
            var count = session.Read(query.Count);
            try
            {
                Bind(count, text, after: null);
                total = count.Step(first: true) ? count.Int64(0) : 0;
            }
            finally
            {
                count.Reset();
            }
        }
        return ((IReadOnlyList<Resource>)_items.ToArray(), total.Value, lastPosition);
    });

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
        Bind(matches, text, after: null);
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

    private static void Bind(SqliteReadStatement statement, SqliteSearchText? text, object? after)
    {
        if (text is not null)
        {
            statement.Bind("$key", text.Key);
            if (text.Indexed)
            {
                statement.Bind("$match", text.MatchExpression);
            }
        }
        switch (after)
        {
            case ResourceCursor cursor:
                statement.Bind("$afterTime", Timestamps.Normalize(cursor.CreatedAt).ToUnixTimeMilliseconds());
                statement.Bind("$afterId", ResourceRow.Key(cursor.Id));
                break;
            case long position:
                statement.Bind("$after", position);
                break;
        }
    }

    /// <summary>
    /// Runs one read under its client span on <paramref name="statement"/>, prepared on this
    /// session; the statement is reset afterwards (its snapshot released), and a failure marks the
    /// span before it propagates.
    /// </summary>
    private T Run<T>(SqliteStatement statement, Func<SqliteReadStatement, T> read)
    {
        using var span = session.StartSpan(statement);
        SqliteReadStatement? prepared = null;
        try
        {
            prepared = session.Read(statement);
            return read(prepared);
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

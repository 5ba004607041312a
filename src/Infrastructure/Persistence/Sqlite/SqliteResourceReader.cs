using System.Text.Json;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using Microsoft.Data.Sqlite;

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

    private static readonly SqliteStatement StoredCount = new(
        SqlitePageQuery.SelectResources, "SELECT Total FROM ResourceCount WHERE Id = 1");

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

    public Resource? Find(Guid id) => Run(FindById, () =>
    {
        using var row = session.Command(FindById, ResourceRow.Key(id)).ExecuteReader();
        return row.Read() ? ResourceRow.Read(row) : null;
    });

    public long Count() => Run(StoredCount, () => (long)session.Command(StoredCount).ExecuteScalar()!);

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
    public IReadOnlySet<Guid> FindExisting(IReadOnlyCollection<Guid> ids) => Run(FindExistingIds, () =>
    {
        var found = new HashSet<Guid>(ids.Count);
        using var rows = session.Command(FindExistingIds, JsonSerializer.Serialize(ids.Select(ResourceRow.Key))).ExecuteReader();
        while (rows.Read())
        {
            found.Add(Guid.ParseExact(rows.GetString(0), "D"));
        }
        return found;
    });

    /// <summary>The dependency lists of every resource reachable from <paramref name="roots"/>, not expanding past <paramref name="stopAt"/>.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> LoadReachableDependencies(IReadOnlyCollection<Guid> roots, Guid stopAt) => Run(Reachable, () =>
    {
        var lists = new Dictionary<Guid, IReadOnlyList<Guid>>();
        using var rows = session.Command(Reachable, JsonSerializer.Serialize(roots.Select(ResourceRow.Key)), ResourceRow.Key(stopAt)).ExecuteReader();
        while (rows.Read())
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
    public IReadOnlyList<Guid> FindTransitiveDependents(Guid id) => Run(Dependents, () =>
    {
        var ids = new List<Guid>();
        using var rows = session.Command(Dependents, ResourceRow.Key(id)).ExecuteReader();
        while (rows.Read())
        {
            ids.Add(Guid.ParseExact(rows.GetString(0), "D"));
        }
        return (IReadOnlyList<Guid>)ids;
    });

    private (IReadOnlyList<Resource> Items, long TotalCount, long? LastPosition) ReadPage(SqlitePageQuery query, SqliteSearchText? text, object? after, int offset, int limit) => Run(query.Page, () =>
    {
        _items.Clear();
        if (query.ReadsMatches)
        {
            return ReadMatches(query, text!, after as long?, offset, limit);
        }
        long? total = null;
        long? lastPosition = null;
        var page = Bind(session.Command(query.Page), text, after);
        page.Parameters["$limit"].Value = limit;
        page.Parameters["$offset"].Value = offset;
        using (var rows = page.ExecuteReader())
        {
            while (rows.Read())
            {
                _items.Add(ResourceRow.Read(rows));
                total ??= rows.GetInt64(rows.FieldCount - 1);
                if (query.ReadsPositions)
                {
                    lastPosition = ResourceRow.Position(rows);
                }
            }
        }
        // An empty page has no row to carry the count.
        total ??= (long)Bind(session.Command(query.Count), text, after: null).ExecuteScalar()!;
        return (_items.ToArray(), total.Value, lastPosition);
    });

    /// <summary>
    /// An indexed search page: every match in search order is counted, and the page's rows are
    /// read by rowid as their matches pass (after <paramref name="after"/>, then past
    /// <paramref name="offset"/>), while the matches statement keeps the read transaction open.
    /// </summary>
    private (IReadOnlyList<Resource> Items, long TotalCount, long? LastPosition) ReadMatches(SqlitePageQuery query, SqliteSearchText text, long? after, int offset, int limit)
    {
        long total = 0;
        long? lastPosition = null;
        var skip = offset;
        using var matches = Bind(session.Command(query.Page), text, after: null).ExecuteReader();
        while (matches.Read())
        {
            total++;
            if (_items.Count == limit)
            {
                continue;
            }
            var position = matches.GetInt64(1);
            if (position <= after || skip-- > 0)
            {
                continue;
            }
            using var row = session.Command(SqlitePageQuery.Row, matches.GetInt64(0)).ExecuteReader();
            if (row.Read())
            {
                _items.Add(ResourceRow.Read(row));
                lastPosition = position;
            }
        }
        return (_items.ToArray(), total, lastPosition);
    }

    private static SqliteCommand Bind(SqliteCommand command, SqliteSearchText? text, object? after)
    {
        if (text is not null)
        {
            command.Parameters["$key"].Value = text.Key;
            if (text.Indexed)
            {
                command.Parameters["$match"].Value = text.MatchExpression;
            }
        }
        switch (after)
        {
            case ResourceCursor cursor:
                command.Parameters["$afterTime"].Value = Timestamps.Normalize(cursor.CreatedAt).ToUnixTimeMilliseconds();
                command.Parameters["$afterId"].Value = ResourceRow.Key(cursor.Id);
                break;
            case long position:
                command.Parameters["$after"].Value = position;
                break;
        }
        return command;
    }

    /// <summary>Runs one read under its client span; a failure marks the span before it propagates.</summary>
    private T Run<T>(SqliteStatement statement, Func<T> read)
    {
        using var span = session.StartSpan(statement);
        try
        {
            return read();
        }
        catch (Exception exception)
        {
            SqliteSession.Fail(span, exception);
            throw;
        }
    }
}

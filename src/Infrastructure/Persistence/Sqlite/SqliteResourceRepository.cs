using System.Text.Json;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Domain.Resources;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <param name="readPool">Serves reads by id outside a write transaction; without it they go through EF Core.</param>
/// <param name="groupCommit">Carries writes in shared transactions (ADR 009); without it each write has its own, behind <paramref name="writeGate"/>.</param>
/// <param name="idempotency">The request's idempotency key, recorded with the write's answer in its commit.</param>
public sealed class SqliteResourceRepository(
    ResourceDbContext db,
    SqliteWriteGate writeGate,
    IOptions<DatabaseOptions> options,
    SqliteReadPool? readPool = null,
    SqliteGroupCommit? groupCommit = null,
    IdempotencyContext? idempotency = null)
    : IResourceRepository, IIdempotencyStore
{
    public const string Type = "sqlite";

    /// <summary>The group-commit batch's context while this repository's write runs in one.</summary>
    private ResourceDbContext? _batchDb;

    /// <summary>The create path's prepared statements on the write's connection, while a write is open.</summary>
    private SqliteWriteStatements? _statements;

    /// <summary>Where every statement goes: the batch's context during a grouped write, else the request's.</summary>
    private ResourceDbContext Db => _batchDb ?? db;

    /// <summary>Positions are kept on whichever context the write runs on.</summary>
    private SqliteTopologicalOrder Order => new(Db);

    public string StoreType => Type;

    public async Task<IWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        if (groupCommit is not null)
        {
            var turn = await groupCommit.EnterAsync(timeout, cancellationToken);
            _batchDb = turn.Db;
            _statements = turn.Statements;
            return new GroupedWriteTransaction(this, turn);
        }
        if (!await writeGate.EnterAsync(timeout, cancellationToken))
        {
            throw new StoreUnavailableException($"No write slot became free within {timeout.TotalSeconds:0} s.");
        }
        try
        {
            // Microsoft.Data.Sqlite begins non-deferred transactions with BEGIN IMMEDIATE: the
            // write lock is taken before the first read, so the checks made inside the
            // transaction still hold when its writes commit, across processes too.
            var transaction = await Guarded(() => db.Database.BeginTransactionAsync(cancellationToken));
            // Prepared for this write only: the request's connection closes with the transaction.
            _statements = new SqliteWriteStatements((SqliteConnection)db.Database.GetDbConnection());
            return new WriteTransaction(this, transaction, writeGate);
        }
        catch
        {
            writeGate.Exit();
            throw;
        }
    }

    private void EndWrite()
    {
        if (_batchDb is null)
        {
            _statements?.Dispose();
        }
        _statements = null;
        _batchDb = null;
        db.ChangeTracker.Clear();
    }

    /// <summary>The open write's transaction, for the prepared statements; null outside a write.</summary>
    private SqliteTransaction? WriteTransactionInUse =>
        _statements is not null ? (SqliteTransaction?)Db.Database.CurrentTransaction?.GetDbTransaction() : null;

    /// <summary>Stores the request's idempotency key and answer in the write about to commit.</summary>
    private async Task RecordAnswerAsync(object? result, CancellationToken cancellationToken)
    {
        if (idempotency?.Current is { } request)
        {
            await SqliteIdempotencyRecords.InsertAsync(Db, request, request.Answer(result), cancellationToken);
        }
    }

    public Task<IdempotencyRecord?> FindAsync(string scope, string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        Guarded(() => SqliteIdempotencyRecords.FindAsync(Db, scope, key, now, cancellationToken));

    public async Task<int> SweepExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginWriteAsync(cancellationToken);
        var swept = await Guarded(() => SqliteIdempotencyRecords.DeleteExpiredAsync(Db, now, limit, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return swept;
    }

    public Task<Resource?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        // Inside a write transaction the read must see the transaction's own connection.
        if (readPool is not null && _batchDb is null && db.Database.CurrentTransaction is null)
        {
            return Guarded(() => Task.FromResult(readPool.Find(id, cancellationToken)));
        }
        return Guarded(async () =>
        {
            var key = Key(id);
            var record = await Db.Resources.AsNoTracking()
                .Include(r => r.Dependencies)
                .FirstOrDefaultAsync(r => r.Id == key, cancellationToken);
            return record is null ? null : ToDomain(record);
        });
    }

    /// <summary>Pages are read through the pool's prepared statements unless a write transaction is open here.</summary>
    private bool PagesFromPool => readPool is not null && _batchDb is null && db.Database.CurrentTransaction is null;

    public Task<ResourcePage> ListAsync(int offset, int limit, CancellationToken cancellationToken) => Guarded(async () =>
    {
        if (PagesFromPool)
        {
            return readPool!.ListPage(offset, limit, cancellationToken);
        }
        var rows = await ReadPageAsync("", "r.CreatedAt, r.Id", [], offset, limit, cancellationToken);
        return new ResourcePage(rows.Select(ToDomain).ToArray(), await CountStoredAsync(cancellationToken));
    });

    public Task<ResourcePage> ListAfterAsync(ResourceCursor after, int limit, CancellationToken cancellationToken) => Guarded(async () =>
    {
        if (PagesFromPool)
        {
            return readPool!.ListPageAfter(after, limit, cancellationToken);
        }
        // A row-value comparison, so SQLite seeks the (CreatedAt, Id) index to the cursor.
        var rows = await ReadPageAsync(
            "(r.CreatedAt, r.Id) > ({0}, {1})", "r.CreatedAt, r.Id",
            [Timestamps.Normalize(after.CreatedAt).ToUnixTimeMilliseconds(), Key(after.Id)], 0, limit, cancellationToken);
        return new ResourcePage(rows.Select(ToDomain).ToArray(), await CountStoredAsync(cancellationToken));
    });

    public Task<SearchPage> SearchAsync(string? text, int offset, int limit, CancellationToken cancellationToken) =>
        SearchPageAsync(text, null, offset, limit, cancellationToken);

    public Task<SearchPage> SearchAfterAsync(string? text, long afterPosition, int limit, CancellationToken cancellationToken) =>
        SearchPageAsync(text, afterPosition, 0, limit, cancellationToken);

    /// <summary>
    /// The matches in dependency order: an index range on TopologicalPosition, narrowed by the
    /// trigram index when the text is long enough. A filtered page and its count read one
    /// snapshot; a blank search reads the page and the stored count as the list does, without
    /// the snapshot's extra round trips.
    /// </summary>
    private Task<SearchPage> SearchPageAsync(string? text, long? afterPosition, int offset, int limit, CancellationToken cancellationToken)
    {
        if (PagesFromPool)
        {
            var searchText = SqliteSearchText.For(text);
            return Guarded(() => Task.FromResult(readPool!.SearchPage(searchText, afterPosition, offset, limit, cancellationToken)));
        }
        var (filter, parameters) = Matches(text);
        Task<SearchPage> Read() => ReadSearchPageAsync(filter, parameters, afterPosition, offset, limit, cancellationToken);
        return Guarded(() => filter is null ? Read() : InReadSnapshot(Read, cancellationToken));
    }

    private async Task<SearchPage> ReadSearchPageAsync(
        string? filter, object[] parameters, long? afterPosition, int offset, int limit, CancellationToken cancellationToken)
    {
        var conditions = new List<string>();
        if (filter is not null)
        {
            conditions.Add(filter);
        }
        var pageParameters = parameters.ToList();
        if (afterPosition is { } after)
        {
            conditions.Add($"r.TopologicalPosition > {{{pageParameters.Count}}}");
            pageParameters.Add(after);
        }
        var rows = await ReadPageAsync(
            string.Join(" AND ", conditions), "r.TopologicalPosition", pageParameters.ToArray(), offset, limit, cancellationToken);
        // The filter is this class's own SQL text; user text only ever travels as parameters.
        var countSql = "SELECT COUNT(*) AS Value FROM Resources AS r WHERE " + filter;
        var total = filter is null
            ? await CountStoredAsync(cancellationToken)
            : await Db.Database.SqlQueryRaw<long>(countSql, parameters).SingleAsync(cancellationToken);
        return new SearchPage(rows.Select(ToDomain).ToArray(), total, rows.Count == 0 ? null : rows[^1].TopologicalPosition);
    }

    /// <summary>
    /// One statement per page: the rows and, per row, its dependency ids in list order as a JSON
    /// array, instead of a second query for the dependencies.
    /// </summary>
    private async Task<List<PageRow>> ReadPageAsync(
        string where, string orderBy, object[] parameters, int offset, int limit, CancellationToken cancellationToken)
    {
        var limitIndex = parameters.Length;
        var sql =
            "SELECT r.Id, r.Name, r.Description, r.CreatedAt, r.UpdatedAt, r.Version, r.TopologicalPosition, " +
            "(SELECT json_group_array(d.DependsOnId ORDER BY d.Position) FROM ResourceDependencies AS d WHERE d.ResourceId = r.Id) AS DependencyIds " +
            "FROM Resources AS r " +
            (where.Length > 0 ? $"WHERE {where} " : "") +
            $"ORDER BY {orderBy} LIMIT {{{limitIndex}}} OFFSET {{{limitIndex + 1}}}";
        return await Db.Database.SqlQueryRaw<PageRow>(sql, [.. parameters, limit, offset]).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Runs several statements on one snapshot: a deferred transaction in WAL mode reads one
    /// committed state and never blocks writers. Inside a write transaction it uses that one.
    /// </summary>
    private async Task<T> InReadSnapshot<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        if (Db.Database.CurrentTransaction is not null)
        {
            return await read();
        }
        await Db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (SqliteConnection)Db.Database.GetDbConnection();
            await using var snapshot = connection.BeginTransaction(deferred: true);
            await Db.Database.UseTransactionAsync(snapshot, cancellationToken);
            try
            {
                return await read();
            }
            finally
            {
                await Db.Database.UseTransactionAsync(null, cancellationToken);
            }
        }
        finally
        {
            await Db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The search rule as a SQL condition on <c>r</c> (null: everything): a plain substring of the
    /// lowercased name or description.
    /// </summary>
    private static (string? Filter, object[] Parameters) Matches(string? text)
    {
        if (SqliteSearchText.For(text) is not { } search)
        {
            return (null, []);
        }
        const string substring = "(instr(r.NameKey, {0}) > 0 OR instr(r.DescriptionKey, {0}) > 0)";
        if (!search.Indexed)
        {
            return (substring, [search.Key]);
        }
        // The trigram index narrows to candidates without a table scan; the exact test keeps the
        // semantics identical to the scan (a plain substring of either key).
        return ("r.Id IN (SELECT Id FROM ResourceSearch WHERE ResourceSearch MATCH {1}) AND " + substring, [search.Key, search.MatchExpression]);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) => Guarded(() => CountStoredAsync(cancellationToken));

    /// <summary>
    /// The count kept by triggers in the same transactions as the rows (see the ResourceCount
    /// migration): constant time, where COUNT(*) would read a whole index on every list request.
    /// </summary>
    private async Task<long> CountStoredAsync(CancellationToken cancellationToken) =>
        await Db.Database.SqlQueryRaw<long>("SELECT Total AS Value FROM ResourceCount WHERE Id = 1").SingleAsync(cancellationToken);

    public Task<IReadOnlySet<Guid>> FindExistingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) => Guarded(async () =>
    {
        if (WriteTransactionInUse is { } transaction)
        {
            var existing = _statements!.FindExisting(transaction, ids.Select(Key).ToArray());
            return (IReadOnlySet<Guid>)existing.Select(Guid.Parse).ToHashSet();
        }
        var keys = ids.Select(Key).ToArray();
        var found = await Db.Resources.Where(r => keys.Contains(r.Id)).Select(r => r.Id).ToListAsync(cancellationToken);
        return (IReadOnlySet<Guid>)found.Select(Guid.Parse).ToHashSet();
    });

    public Task<IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>> LoadReachableDependenciesAsync(
        IReadOnlyCollection<Guid> roots, Guid stopAt, CancellationToken cancellationToken) => Guarded(async () =>
    {
        // One round trip: a recursive walk along dependencies that reads only the reachable part
        // of the graph and does not expand past the resource being updated. CROSS JOIN pins the
        // join order (SQLite's documented hint): left alone, SQLite 3.53 prefers scanning every
        // edge with a Bloom filter on the walk, which made the check cost O(table).
        var edges = await Db.Database.SqlQueryRaw<EdgeRow>(
            """
            WITH RECURSIVE reach(id) AS (
                SELECT value FROM json_each({0})
                UNION
                SELECT d.DependsOnId FROM ResourceDependencies AS d JOIN reach ON d.ResourceId = reach.id
                WHERE reach.id <> {1}
            )
            SELECT d.ResourceId, d.DependsOnId, d.Position
            FROM reach CROSS JOIN ResourceDependencies AS d ON d.ResourceId = reach.id
            WHERE reach.id <> {1}
            """,
            JsonSerializer.Serialize(roots.Select(Key)), Key(stopAt)).ToListAsync(cancellationToken);

        return (IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>)edges
            .GroupBy(e => e.ResourceId)
            .ToDictionary(
                g => Guid.Parse(g.Key),
                g => (IReadOnlyList<Guid>)g.OrderBy(e => e.Position).Select(e => Guid.Parse(e.DependsOnId)).ToArray());
    });

    public Task<IReadOnlyList<Guid>> FindTransitiveDependentsAsync(Guid id, CancellationToken cancellationToken) => Guarded(async () =>
    {
        var ids = await Db.Database.SqlQueryRaw<string>(
            """
            WITH RECURSIVE dependents(id) AS (
                SELECT ResourceId FROM ResourceDependencies WHERE DependsOnId = {0}
                UNION
                SELECT d.ResourceId FROM ResourceDependencies AS d JOIN dependents ON d.DependsOnId = dependents.id
            )
            SELECT id AS Value FROM dependents
            """,
            Key(id)).ToListAsync(cancellationToken);
        return (IReadOnlyList<Guid>)ids.Select(Guid.Parse).ToArray();
    });

    public Task AddAsync(Resource resource, CancellationToken cancellationToken) => Guarded(async () =>
    {
        var record = ToRecord(resource);
        if (WriteTransactionInUse is { } transaction)
        {
            _statements!.InsertResource(transaction, record);
            return true;
        }
        record.TopologicalPosition = await Order.NextPositionAsync(cancellationToken);
        Db.Resources.Add(record);
        await Db.SaveChangesAsync(cancellationToken);
        Db.ChangeTracker.Clear();
        return true;
    });

    public Task UpdateAsync(Resource resource, CancellationToken cancellationToken) => Guarded(async () =>
    {
        var record = ToRecord(resource);
        var updated = await Db.Resources.Where(r => r.Id == record.Id).ExecuteUpdateAsync(set => set
            .SetProperty(r => r.Name, record.Name)
            .SetProperty(r => r.NameKey, record.NameKey)
            .SetProperty(r => r.Description, record.Description)
            .SetProperty(r => r.DescriptionKey, record.DescriptionKey)
            .SetProperty(r => r.UpdatedAt, record.UpdatedAt)
            .SetProperty(r => r.Version, record.Version), cancellationToken);
        if (updated == 0)
        {
            throw new ResourceNotFoundException(resource.Id);
        }
        await Db.Dependencies.Where(d => d.ResourceId == record.Id).ExecuteDeleteAsync(cancellationToken);
        if (record.Dependencies.Count > 0)
        {
            // Removed edges never break the order; each kept or new one must point backwards.
            await Order.PlaceAfterDependenciesAsync(record.Id, record.Dependencies.Select(d => d.DependsOnId).ToArray(), cancellationToken);
            Db.Dependencies.AddRange(record.Dependencies);
            await Db.SaveChangesAsync(cancellationToken);
            Db.ChangeTracker.Clear();
        }
        return true;
    });

    public Task<int> DeleteAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken) => Guarded(async () =>
    {
        var idsJson = JsonSerializer.Serialize(ids.Select(Key));
        var nowMs = Timestamps.Normalize(now).ToUnixTimeMilliseconds();
        // Survivors that lose a dependency change: new version, updated time moves forward.
        await Db.Database.ExecuteSqlRawAsync(
            """
            UPDATE Resources
            SET Version = Version + 1, UpdatedAt = max({1}, UpdatedAt + 1)
            WHERE Id IN (
                SELECT DISTINCT d.ResourceId FROM ResourceDependencies AS d
                WHERE d.DependsOnId IN (SELECT value FROM json_each({0}))
                  AND d.ResourceId NOT IN (SELECT value FROM json_each({0})))
            """,
            [idsJson, nowMs], cancellationToken);
        // Foreign keys with ON DELETE CASCADE drop every edge from and to the deleted rows.
        return await Db.Database.ExecuteSqlRawAsync(
            "DELETE FROM Resources WHERE Id IN (SELECT value FROM json_each({0}))", [idsJson], cancellationToken);
    });

    private static string Key(Guid id) => id.ToString("D");

    private static Resource ToDomain(PageRow row) => new()
    {
        Id = Guid.Parse(row.Id),
        Name = row.Name,
        Description = row.Description,
        Dependencies = JsonSerializer.Deserialize<string[]>(row.DependencyIds)!.Select(Guid.Parse).ToArray(),
        CreatedAt = Timestamps.FromUnixMilliseconds(row.CreatedAt),
        UpdatedAt = Timestamps.FromUnixMilliseconds(row.UpdatedAt),
        Version = row.Version,
    };

    private static Resource ToDomain(ResourceRecord record) => new()
    {
        Id = Guid.Parse(record.Id),
        Name = record.Name,
        Description = record.Description,
        Dependencies = record.Dependencies.OrderBy(d => d.Position).Select(d => Guid.Parse(d.DependsOnId)).ToArray(),
        CreatedAt = Timestamps.FromUnixMilliseconds(record.CreatedAt),
        UpdatedAt = Timestamps.FromUnixMilliseconds(record.UpdatedAt),
        Version = record.Version,
    };

    private static ResourceRecord ToRecord(Resource resource)
    {
        var id = Key(resource.Id);
        return new ResourceRecord
        {
            Id = id,
            Name = resource.Name,
            NameKey = resource.Name.ToLowerInvariant(),
            Description = resource.Description,
            DescriptionKey = resource.Description?.ToLowerInvariant(),
            CreatedAt = resource.CreatedAt.ToUnixTimeMilliseconds(),
            UpdatedAt = resource.UpdatedAt.ToUnixTimeMilliseconds(),
            Version = resource.Version,
            Dependencies = resource.Dependencies
                .Select((d, i) => new DependencyRecord { ResourceId = id, DependsOnId = Key(d), Position = i })
                .ToList(),
        };
    }

    private static async Task<T> Guarded<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (SqliteFailures.IsUnavailable(exception))
        {
            throw new StoreUnavailableException("The SQLite database is unavailable: " + SqliteFailures.Describe(exception), exception);
        }
    }

    private sealed record PageRow(
        string Id, string Name, string? Description, long CreatedAt, long UpdatedAt, long Version, long? TopologicalPosition, string DependencyIds);

    private sealed record EdgeRow(string ResourceId, string DependsOnId, int Position);

    /// <summary>A write with a transaction of its own (<c>Database__GroupCommit=false</c>).</summary>
    private sealed class WriteTransaction(SqliteResourceRepository owner, IDbContextTransaction transaction, SqliteWriteGate gate) : IWriteTransaction
    {
        private bool _disposed;

        public Task CommitAsync(object? result, CancellationToken cancellationToken) => Guarded(async () =>
        {
            await owner.RecordAnswerAsync(result, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        });

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            try
            {
                owner.EndWrite();
                await transaction.DisposeAsync();
            }
            finally
            {
                gate.Exit();
            }
        }
    }

    /// <summary>A write on the group-commit writer's connection, alone or in a batch: commit keeps it and waits until it is durable.</summary>
    private sealed class GroupedWriteTransaction(SqliteResourceRepository owner, ISqliteWriteTurn turn) : IWriteTransaction
    {
        private bool _finished;

        public async Task CommitAsync(object? result, CancellationToken cancellationToken)
        {
            await Guarded(async () =>
            {
                await owner.RecordAnswerAsync(result, cancellationToken);
                return true;
            });
            _finished = true;
            owner.EndWrite();
            // Not cancellable: once handed over, the write commits or fails with its batch, and the caller must learn which.
            await turn.CommitAsync();
        }

        public ValueTask DisposeAsync()
        {
            if (!_finished)
            {
                _finished = true;
                owner.EndWrite();
                turn.Rollback();
            }
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Which SQLite failures mean "the store is unavailable, retry later" rather than a bug.</summary>
public static class SqliteFailures
{
    // SQLITE_PERM, BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB
    private static readonly HashSet<int> UnavailableCodes = [3, 5, 6, 7, 8, 10, 11, 13, 14, 15, 26];

    public static bool IsUnavailable(Exception exception) => Find(exception) is not null;

    public static string Describe(Exception exception) => Find(exception)?.Message ?? exception.Message;

    private static SqliteException? Find(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is SqliteException sqlite && UnavailableCodes.Contains(sqlite.SqliteErrorCode))
            {
                return sqlite;
            }
        }
        return null;
    }
}

using System.Diagnostics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Domain.Resources;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>
/// The store port on MongoDB. Writes run in a multi-document transaction that first takes the
/// graph lock (docs/mongodb.md, "Consistency"), so write units are serialized across every API
/// instance exactly as SQLite's write lock serializes them across processes.
/// </summary>
/// <param name="idempotency">The request's idempotency key, recorded with the write's answer in its transaction.</param>
public sealed class MongoResourceRepository(MongoStore store, IdempotencyContext idempotency) : IResourceRepository, IIdempotencyStore
{
    public const string Type = "mongodb";

    /// <summary>Bounds one <c>$in</c> list, so a huge frontier cannot make a command exceed 16 MB.</summary>
    private const int BatchSize = 5_000;

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly ProjectionDefinition<BsonDocument> IdOnly = Builders<BsonDocument>.Projection.Include(ResourceDocuments.Id);
    private static readonly ProjectionDefinition<BsonDocument> DependenciesOnly =
        Builders<BsonDocument>.Projection.Include(ResourceDocuments.Dependencies);

    private readonly MongoTopologicalOrder _order = new(store);

    /// <summary>The open write unit of this scope; every call made while it is open runs inside it.</summary>
    private IClientSessionHandle? _session;

    public string StoreType => Type;

    private TransactionOptions WriteTransactionOptions => new(
        readConcern: ReadConcern.Snapshot,
        readPreference: ReadPreference.Primary,
        writeConcern: new WriteConcern("majority", wTimeout: store.Timeout),
        maxCommitTime: store.Timeout);

    public async Task<IWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        if (_session is not null)
        {
            throw new InvalidOperationException("A write transaction is already open in this scope.");
        }
        if (!await Guarded(() => store.SupportsTransactionsAsync(cancellationToken)))
        {
            throw new StoreUnavailableException(
                "The MongoDB server is standalone: writes need multi-document transactions, which need a replica set " +
                "(a single-node one will do; see docs/mongodb.md). Reads still work.");
        }
        var session = await Guarded(() => store.Client.StartSessionAsync(cancellationToken: cancellationToken));
        try
        {
            await AcquireGraphLockAsync(session, cancellationToken);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        _session = session;
        return new WriteTransaction(this, session);
    }

    /// <summary>
    /// Starts the transaction with a write to the one graph lock document. Two transactions that
    /// both wrote it cannot both commit, so the loser's write fails at once with a write conflict
    /// (TransientTransactionError); it aborts and starts over until the lock is free or the
    /// timeout passes. Once this write succeeds, no other writer can commit until this one ends,
    /// and none committed after this transaction's snapshot: its reads stay true until it commits.
    /// </summary>
    private async Task AcquireGraphLockAsync(IClientSessionHandle session, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(5);
        var lockFilter = Filter.Eq("_id", MongoStore.GraphLockId);
        var bump = Builders<BsonDocument>.Update.Inc("version", 1L);
        while (true)
        {
            session.StartTransaction(WriteTransactionOptions);
            try
            {
                await store.Locks.UpdateOneAsync(session, lockFilter, bump, new UpdateOptions { IsUpsert = true }, cancellationToken);
                return;
            }
            catch (Exception exception) when (IsWorthRetrying(exception))
            {
                await AbortQuietlyAsync(session);
                var waited = Stopwatch.GetElapsedTime(started);
                if (waited + pause > store.Timeout)
                {
                    throw IsLockContention(exception)
                        ? new StoreUnavailableException(
                            $"Another writer held the MongoDB graph lock for more than {store.Timeout.TotalSeconds:0} s.", exception)
                        : Unavailable(exception);
                }
                // Jitter keeps waiting writers from retrying in lock step.
                await Task.Delay(pause + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 5)), cancellationToken);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 100));
            }
            catch (Exception exception) when (MongoFailures.IsUnavailable(exception))
            {
                await AbortQuietlyAsync(session);
                throw Unavailable(exception);
            }
            catch
            {
                await AbortQuietlyAsync(session);
                throw;
            }
        }
    }

    // A write conflict on the lock, or two first-ever upserts of it racing on its _id.
    private static bool IsLockContention(Exception exception) =>
        exception is MongoCommandException { Code: MongoFailures.WriteConflict } ||
        exception is MongoWriteException { WriteError.Code: MongoFailures.WriteConflict } ||
        exception is MongoWriteException { WriteError.Category: ServerErrorCategory.DuplicateKey };

    // Contention, or a failure the driver marks as "run the transaction again" (a step-down, a
    // dropped connection): a new attempt selects the server again, within the same deadline.
    private static bool IsWorthRetrying(Exception exception) =>
        IsLockContention(exception) ||
        exception is MongoException mongo && mongo.HasErrorLabel("TransientTransactionError");

    public Task<Resource?> FindAsync(Guid id, CancellationToken cancellationToken) => ReadAsync(async () =>
    {
        var document = await Find(MongoQueries.ById(id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ResourceDocuments.FromBson(document);
    });

    public Task<ResourcePage> ListAsync(int offset, int limit, CancellationToken cancellationToken) => ReadAsync(async () =>
    {
        // Limit(0) would mean "no limit" to the server.
        var documents = limit <= 0
            ? []
            : await Find(Filter.Empty).Sort(MongoQueries.StableOrder).Skip(offset).Limit(limit).ToListAsync(cancellationToken);
        var total = await Count(cancellationToken);
        return new ResourcePage(documents.Select(ResourceDocuments.FromBson).ToArray(), total);
    });

    public Task<ResourcePage> ListAfterAsync(ResourceCursor after, int limit, CancellationToken cancellationToken) => ReadAsync(async () =>
    {
        var documents = limit <= 0
            ? []
            : await Find(MongoQueries.After(after)).Sort(MongoQueries.StableOrder).Limit(limit).ToListAsync(cancellationToken);
        var total = await Count(cancellationToken);
        return new ResourcePage(documents.Select(ResourceDocuments.FromBson).ToArray(), total);
    });

    public Task<SearchPage> SearchAsync(string? text, int offset, int limit, CancellationToken cancellationToken) =>
        SearchPageAsync(text, null, offset, limit, cancellationToken);

    public Task<SearchPage> SearchAfterAsync(string? text, long afterPosition, int limit, CancellationToken cancellationToken) =>
        SearchPageAsync(text, afterPosition, 0, limit, cancellationToken);

    /// <summary>
    /// Walks the unique <c>position</c> index in order, testing each document against the search
    /// regex, and stops once the page is full: a broad query reads little more than its page;
    /// a selective one reads further (docs/decisions/008-dynamic-topological-order.md).
    /// </summary>
    private Task<SearchPage> SearchPageAsync(string? text, long? afterPosition, int offset, int limit, CancellationToken cancellationToken) =>
        ReadAsync(async () =>
        {
            var documents = limit <= 0
                ? []
                : await Find(MongoQueries.SearchAfter(text, afterPosition)).Sort(MongoQueries.DependencyOrder)
                    .Skip(offset).Limit(limit).ToListAsync(cancellationToken);
            var total = string.IsNullOrEmpty(text)
                ? await Count(cancellationToken)
                : _session is { } session
                    ? await store.Resources.CountDocumentsAsync(session, MongoQueries.Search(text), cancellationToken: cancellationToken)
                    : await store.Resources.CountDocumentsAsync(MongoQueries.Search(text), cancellationToken: cancellationToken);
            return new SearchPage(
                documents.Select(ResourceDocuments.FromBson).ToArray(),
                total,
                documents.Count == 0 ? null : documents[^1][ResourceDocuments.Position].ToInt64());
        });

    public Task<long> CountAsync(CancellationToken cancellationToken) => ReadAsync(() => Count(cancellationToken));

    public Task<IReadOnlySet<Guid>> FindExistingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) => ReadAsync(async () =>
    {
        var found = new HashSet<Guid>();
        foreach (var batch in ids.Distinct().Chunk(BatchSize))
        {
            var documents = await Find(MongoQueries.ByIds(batch)).Project(IdOnly).ToListAsync(cancellationToken);
            found.UnionWith(documents.Select(d => Guid.Parse(d[ResourceDocuments.Id].AsString)));
        }
        return (IReadOnlySet<Guid>)found;
    });

    /// <summary>
    /// Breadth-first, one query per level (ids in, dependency lists out), so only the reachable
    /// part of the graph is read. Chosen over <c>$graphLookup</c>, which is refused inside
    /// transactions on sharded collections and must hold the whole reachable set in one document.
    /// </summary>
    public Task<IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>> LoadReachableDependenciesAsync(
        IReadOnlyCollection<Guid> roots, Guid stopAt, CancellationToken cancellationToken) => ReadAsync(async () =>
    {
        var stop = ResourceDocuments.Key(stopAt);
        var edges = new Dictionary<Guid, IReadOnlyList<Guid>>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { stop };
        var frontier = roots.Select(ResourceDocuments.Key).Where(seen.Add).ToList();
        while (frontier.Count > 0)
        {
            var next = new List<string>();
            foreach (var batch in frontier.Chunk(BatchSize))
            {
                var documents = await Find(Filter.In(ResourceDocuments.Id, batch)).Project(DependenciesOnly).ToListAsync(cancellationToken);
                foreach (var document in documents)
                {
                    var dependencies = ResourceDocuments.DependencyIds(document);
                    if (dependencies.Length == 0)
                    {
                        continue;
                    }
                    edges[Guid.Parse(document[ResourceDocuments.Id].AsString)] = dependencies;
                    next.AddRange(dependencies.Select(ResourceDocuments.Key).Where(seen.Add));
                }
            }
            frontier = next;
        }
        return (IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>)edges;
    });

    /// <summary>Breadth-first along reverse edges, each level one query on the multikey <c>dependencies</c> index.</summary>
    public Task<IReadOnlyList<Guid>> FindTransitiveDependentsAsync(Guid id, CancellationToken cancellationToken) => ReadAsync(async () =>
    {
        var start = ResourceDocuments.Key(id);
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var dependents = new List<Guid>();
        var frontier = new List<string> { start };
        while (frontier.Count > 0)
        {
            var next = new List<string>();
            foreach (var batch in frontier.Chunk(BatchSize))
            {
                var documents = await Find(MongoQueries.DependingOnAny(batch)).Project(IdOnly).ToListAsync(cancellationToken);
                foreach (var key in documents.Select(d => d[ResourceDocuments.Id].AsString).Where(seen.Add))
                {
                    dependents.Add(Guid.Parse(key));
                    next.Add(key);
                }
            }
            frontier = next;
        }
        return (IReadOnlyList<Guid>)dependents;
    });

    public Task AddAsync(Resource resource, CancellationToken cancellationToken) => WriteAsync(async session =>
    {
        var position = await _order.NextPositionAsync(session, cancellationToken);
        await store.Resources.InsertOneAsync(session, ResourceDocuments.ToBson(resource, position), cancellationToken: cancellationToken);
        return true;
    }, cancellationToken);

    public Task UpdateAsync(Resource resource, CancellationToken cancellationToken) => WriteAsync(async session =>
    {
        var result = await store.Resources.UpdateOneAsync(
            session, MongoQueries.ById(resource.Id), MongoQueries.SetFields(resource), cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            throw new ResourceNotFoundException(resource.Id);
        }
        if (resource.Dependencies.Count > 0)
        {
            await _order.PlaceAfterDependenciesAsync(session, resource.Id, resource.Dependencies, cancellationToken);
        }
        return true;
    }, cancellationToken);

    public Task<int> DeleteAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken) => WriteAsync(async session =>
    {
        if (ids.Count == 0)
        {
            return 0;
        }
        var keys = ids.Select(ResourceDocuments.Key).Distinct().ToArray();
        // Survivors that lose a dependency change: new version, updated time moves forward.
        await store.Resources.UpdateManyAsync(
            session,
            Filter.And(MongoQueries.DependingOnAny(keys), Filter.Nin(ResourceDocuments.Id, keys)),
            MongoQueries.RemoveDependencies(keys, now),
            cancellationToken: cancellationToken);
        var deleted = await store.Resources.DeleteManyAsync(session, Filter.In(ResourceDocuments.Id, keys), cancellationToken: cancellationToken);
        return (int)deleted.DeletedCount;
    }, cancellationToken);

    private IFindFluent<BsonDocument, BsonDocument> Find(FilterDefinition<BsonDocument> filter) =>
        _session is { } session ? store.Resources.Find(session, filter) : store.Resources.Find(filter);

    private Task<long> Count(CancellationToken cancellationToken) =>
        _session is { } session
            ? store.Resources.CountDocumentsAsync(session, Filter.Empty, cancellationToken: cancellationToken)
            : store.Resources.CountDocumentsAsync(Filter.Empty, cancellationToken: cancellationToken);

    /// <summary>
    /// Runs a read, outside a write unit retrying once after a connection-level failure: the
    /// driver's retryable reads already retry once, but a primary election can outlast that
    /// retry. Not after a server-selection timeout (that already waited the full timeout), and
    /// never inside a transaction, whose reads cannot be retried on their own.
    /// </summary>
    private async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception exception) when (_session is null && MongoFailures.IsConnectionLevel(exception))
        {
            return await Guarded(read);
        }
        catch (Exception exception) when (MongoFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>Runs a write in the open write unit, or in a unit of its own (lock included) when none is open.</summary>
    private async Task<T> WriteAsync<T>(Func<IClientSessionHandle, Task<T>> write, CancellationToken cancellationToken)
    {
        if (_session is { } session)
        {
            return await Guarded(() => write(session));
        }
        await using var transaction = await BeginWriteAsync(cancellationToken);
        var result = await Guarded(() => write(_session!));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public Task<IdempotencyRecord?> FindAsync(string scope, string key, DateTimeOffset now, CancellationToken cancellationToken) => ReadAsync(async () =>
    {
        var document = await store.IdempotencyKeys.Find(MongoIdempotencyRecords.Live(scope, key, now)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoIdempotencyRecords.FromBson(document);
    });

    /// <summary>Stores the request's idempotency key and answer in the write's transaction.</summary>
    private async Task RecordAnswerAsync(IClientSessionHandle session, object? result, CancellationToken cancellationToken)
    {
        if (idempotency.Current is { } request)
        {
            await MongoIdempotencyRecords.InsertAsync(store.IdempotencyKeys, session, request, request.Answer(result), cancellationToken);
        }
    }

    /// <summary>The TTL index on <c>expiresAt</c> sweeps on the server; nothing to do here.</summary>
    public Task<int> SweepExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => Task.FromResult(0);

    private static async Task<T> Guarded<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (MongoFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    private static StoreUnavailableException Unavailable(Exception exception) =>
        new("MongoDB is unavailable: " + MongoFailures.Describe(exception), exception);

    private static async Task AbortQuietlyAsync(IClientSessionHandle session)
    {
        if (!session.IsInTransaction)
        {
            return;
        }
        try
        {
            await session.AbortTransactionAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException or InvalidOperationException)
        {
            // Already ended (e.g. a commit that failed) or unreachable; the server drops an abandoned transaction on its own (transactionLifetimeLimitSeconds).
        }
    }

    private sealed class WriteTransaction(MongoResourceRepository owner, IClientSessionHandle session) : IWriteTransaction
    {
        private bool _disposed;

        public Task CommitAsync(object? result, CancellationToken cancellationToken) => Guarded(async () =>
        {
            await owner.RecordAnswerAsync(session, result, cancellationToken);
            await session.CommitTransactionAsync(cancellationToken);
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
                await AbortQuietlyAsync(session);
            }
            finally
            {
                session.Dispose();
                owner._session = null;
            }
        }
    }
}

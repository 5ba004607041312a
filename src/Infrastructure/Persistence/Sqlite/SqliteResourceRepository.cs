using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Domain.Resources;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The store port on SQLite, one per request scope. Reads run on a pooled reader's session; a
/// write unit (<see cref="BeginWriteAsync"/>) runs on the writer's, and while it is open every
/// call of this scope runs inside it, reads included, as on MongoDB. A write call made with no
/// write open runs in a write of its own.
/// </summary>
public sealed class SqliteResourceRepository(
    SqliteReadPool reads,
    SqliteGroupCommit writer,
    IOptions<DatabaseOptions> options,
    IdempotencyContext idempotency)
    : IResourceRepository, IIdempotencyStore
{
    public const string Type = "sqlite";

    /// <summary>This scope's write unit while it is open.</summary>
    private SqliteWrite? _write;

    public string StoreType => Type;

    private SqliteWrite? OpenWrite => _write is { IsOpen: true } write ? write : null;

    /// <summary>The request's write: its idempotency key, if any, is recorded with its answer in its commit.</summary>
    public async Task<IWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken) =>
        await BeginAsync(idempotency.Current, cancellationToken);

    private async Task<SqliteWrite> BeginAsync(IdempotentRequest? recorded, CancellationToken cancellationToken)
    {
        if (OpenWrite is not null)
        {
            throw new InvalidOperationException("A write transaction is already open in this scope.");
        }
        _write = await writer.BeginAsync(TimeSpan.FromSeconds(options.Value.TimeoutSeconds), recorded, cancellationToken);
        return _write;
    }

    public Task<Resource?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        Read(session => session.Reader.Find(id), cancellationToken);

    public Task<ResourcePage> ListAsync(int offset, int limit, CancellationToken cancellationToken) =>
        Read(session => session.Reader.ListPage(offset, limit), cancellationToken);

    public Task<ResourcePage> ListAfterAsync(ResourceCursor after, int limit, CancellationToken cancellationToken) =>
        Read(session => session.Reader.ListPageAfter(after, limit), cancellationToken);

    public Task<SearchPage> SearchAsync(string? text, int offset, int limit, CancellationToken cancellationToken) =>
        Read(session => session.Reader.SearchPage(SqliteSearchText.For(text), null, offset, limit), cancellationToken);

    public Task<SearchPage> SearchAfterAsync(string? text, long afterPosition, int limit, CancellationToken cancellationToken) =>
        Read(session => session.Reader.SearchPage(SqliteSearchText.For(text), afterPosition, 0, limit), cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        Read(session => session.Reader.Count(), cancellationToken);

    public Task<IReadOnlySet<Guid>> FindExistingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        Read(session => session.Reader.FindExisting(ids), cancellationToken);

    public Task<IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>> LoadReachableDependenciesAsync(
        IReadOnlyCollection<Guid> roots, Guid stopAt, CancellationToken cancellationToken) =>
        Read(session => session.Reader.LoadReachableDependencies(roots, stopAt), cancellationToken);

    public Task<IReadOnlyList<Guid>> FindTransitiveDependentsAsync(Guid id, CancellationToken cancellationToken) =>
        Read(session => session.Reader.FindTransitiveDependents(id), cancellationToken);

    public Task AddAsync(Resource resource, CancellationToken cancellationToken) =>
        Write(write => write.Statements.Insert(resource), cancellationToken);

    public Task UpdateAsync(Resource resource, CancellationToken cancellationToken) =>
        Write(write => write.Statements.Update(resource), cancellationToken);

    public Task<int> DeleteAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        Write(write => write.Statements.Delete(ids, now), cancellationToken);

    public Task<IdempotencyRecord?> FindAsync(string scope, string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        Read(session => new SqliteIdempotencyRecords(session).Find(scope, key, now), cancellationToken);

    public Task<int> SweepExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Write(write => new SqliteIdempotencyRecords(write.Session).DeleteExpiredKeys(now, limit), cancellationToken);

    /// <summary>Reads in the open write (its checks must see its own transaction), else on a pooled session.</summary>
    private Task<T> Read<T>(Func<SqliteSession, T> read, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(OpenWrite is { } write ? read(write.Session) : reads.Read(read, cancellationToken));
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(SqliteFailures.Translated(exception));
        }
    }

    /// <summary>Writes in the open write, else in a write of its own.</summary>
    private async Task<T> Write<T>(Func<SqliteWrite, T> change, CancellationToken cancellationToken)
    {
        if (OpenWrite is { } write)
        {
            return SqliteFailures.Guarded(() => change(write));
        }
        // Not the request's write: no idempotency answer belongs to it.
        await using var own = await BeginAsync(null, cancellationToken);
        var result = SqliteFailures.Guarded(() => change(own));
        await own.CommitAsync(null, cancellationToken);
        return result;
    }

    private async Task Write(Action<SqliteWrite> change, CancellationToken cancellationToken) =>
        await Write(write =>
        {
            change(write);
            return true;
        }, cancellationToken);
}

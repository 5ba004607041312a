using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.Abstractions;

/// <summary>
/// The one port to the store, in the domain's language. Reads run on their own; a write use
/// case opens <see cref="BeginWriteAsync"/> first so that its checks and its changes are one
/// atomic unit, serialized against every other writer (other threads and other processes).
/// Implementations throw <see cref="StoreUnavailableException"/> when the store cannot answer.
/// </summary>
public interface IResourceRepository
{
    /// <summary>The backend's name as telemetry reports it in <c>db.type</c>: <c>sqlite</c> or <c>mongodb</c>.</summary>
    string StoreType { get; }

    Task<IWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken);

    Task<Resource?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>A page in the service's stable order (created at, then id) and the total count.</summary>
    Task<ResourcePage> ListAsync(int offset, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The page that follows <paramref name="after"/> in the stable order, found by seeking the
    /// (created at, id) index rather than skipping rows, so a page deep in the list costs what the first one does.
    /// </summary>
    Task<ResourcePage> ListAfterAsync(ResourceCursor after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the resources whose name or description contains <paramref name="text"/>
    /// (case-insensitively; all when null) in the store's dependency order, and the number of matches.
    /// </summary>
    Task<SearchPage> SearchAsync(string? text, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The search page that follows the position <paramref name="afterPosition"/> in the dependency
    /// order, found by seeking the position index, so a deep page costs what the first one does.
    /// </summary>
    Task<SearchPage> SearchAfterAsync(string? text, long afterPosition, int limit, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="ids"/> exist.</summary>
    Task<IReadOnlySet<Guid>> FindExistingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>
    /// The stored dependency lists of every resource reachable from <paramref name="roots"/> by
    /// following dependencies, not expanding past <paramref name="stopAt"/>: all a cycle check needs.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>> LoadReachableDependenciesAsync(
        IReadOnlyCollection<Guid> roots, Guid stopAt, CancellationToken cancellationToken);

    /// <summary>Every resource depending on <paramref name="id"/> directly or transitively, itself excluded.</summary>
    Task<IReadOnlyList<Guid>> FindTransitiveDependentsAsync(Guid id, CancellationToken cancellationToken);

    Task AddAsync(Resource resource, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="resource"/> over its previous version.</summary>
    Task UpdateAsync(Resource resource, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes <paramref name="ids"/> and removes them from the dependency lists of the resources
    /// that remain (which get a new version and <paramref name="now"/> as updated time).
    /// Returns how many resources were deleted.
    /// </summary>
    Task<int> DeleteAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken);
}

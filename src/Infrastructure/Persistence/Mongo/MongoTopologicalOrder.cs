using CrudCqrs.Domain.Resources;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>
/// Keeps the <c>position</c> field a topological order of the whole graph, as
/// <see cref="Sqlite.SqliteTopologicalOrder"/> does on SQLite (docs/decisions/008-dynamic-topological-order.md):
/// every read and write runs in the write unit's session, so the order commits with the write.
/// </summary>
public sealed class MongoTopologicalOrder(MongoStore store)
{
    private const int BatchSize = 5_000;

    private static readonly ProjectionDefinition<BsonDocument> PositionOnly =
        Builders<BsonDocument>.Projection.Include(ResourceDocuments.Position);

    private static readonly ProjectionDefinition<BsonDocument> PositionAndDependencies =
        Builders<BsonDocument>.Projection.Include(ResourceDocuments.Position).Include(ResourceDocuments.Dependencies);

    /// <summary>A new resource goes after everything.</summary>
    public async Task<long> NextPositionAsync(IClientSessionHandle session, CancellationToken cancellationToken)
    {
        var last = await store.Resources.Find(session, FilterDefinition<BsonDocument>.Empty)
            .Sort(MongoQueries.LastPositionFirst).Project(PositionOnly).Limit(1).FirstOrDefaultAsync(cancellationToken);
        return last is null ? 1 : last[ResourceDocuments.Position].ToInt64() + 1;
    }

    /// <summary>Before <paramref name="dependent"/>'s dependency list is stored: reorders for each dependency standing after it.</summary>
    public async Task PlaceAfterDependenciesAsync(
        IClientSessionHandle session, Guid dependent, IReadOnlyCollection<Guid> dependencies, CancellationToken cancellationToken)
    {
        var positions = await PositionsAsync(session, dependencies.Append(dependent).Select(ResourceDocuments.Key), cancellationToken);
        var own = positions[ResourceDocuments.Key(dependent)];
        foreach (var later in positions.Where(p => p.Value > own).OrderBy(p => p.Value))
        {
            await PlaceBeforeAsync(session, later.Key, ResourceDocuments.Key(dependent), cancellationToken);
        }
    }

    private async Task PlaceBeforeAsync(IClientSessionHandle session, string dependency, string dependent, CancellationToken cancellationToken)
    {
        var ends = await PositionsAsync(session, [dependency, dependent], cancellationToken);
        var upper = ends[dependency];
        var lower = ends[dependent];
        if (upper < lower)
        {
            return;
        }

        // Forward: breadth-first along "is depended on by", one query per level on the multikey index.
        var forward = new Dictionary<string, long> { [dependent] = lower };
        for (var frontier = new List<string> { dependent }; frontier.Count > 0;)
        {
            var next = new List<string>();
            foreach (var batch in frontier.Chunk(BatchSize))
            {
                var documents = await store.Resources.Find(session, MongoQueries.DependentsUpTo(batch, upper))
                    .Project(PositionOnly).ToListAsync(cancellationToken);
                foreach (var document in documents)
                {
                    var id = document[ResourceDocuments.Id].AsString;
                    if (forward.TryAdd(id, document[ResourceDocuments.Position].ToInt64()))
                    {
                        next.Add(id);
                    }
                }
            }
            frontier = next;
        }
        if (forward.ContainsKey(dependency))
        {
            throw new InvalidOperationException($"Ordering '{dependency}' before '{dependent}' would close a cycle.");
        }

        // Backward: breadth-first along "depends on", reading each level's dependency lists.
        var backward = new Dictionary<string, long>();
        for (var frontier = new List<string> { dependency }; frontier.Count > 0;)
        {
            var next = new List<string>();
            foreach (var batch in frontier.Chunk(BatchSize))
            {
                var documents = await store.Resources.Find(session, MongoQueries.AmongAfter(batch, lower))
                    .Project(PositionAndDependencies).ToListAsync(cancellationToken);
                foreach (var document in documents)
                {
                    if (backward.TryAdd(document[ResourceDocuments.Id].AsString, document[ResourceDocuments.Position].ToInt64()))
                    {
                        next.AddRange(ResourceDocuments.DependencyIds(document).Select(ResourceDocuments.Key).Where(id => !backward.ContainsKey(id)));
                    }
                }
            }
            frontier = next.Distinct().ToList();
        }

        var moved = DynamicTopologicalOrder.Reorder(
            backward.Select(p => new PositionedNode(Guid.Parse(p.Key), p.Value)).ToArray(),
            forward.Select(p => new PositionedNode(Guid.Parse(p.Key), p.Value)).ToArray());
        // The position index is unique and checked per document: park the moving documents on
        // the negative side first (positions are positive), then give each its new place.
        await store.Resources.BulkWriteAsync(session, MongoQueries.ParkPositions(moved), cancellationToken: cancellationToken);
        await store.Resources.BulkWriteAsync(session, MongoQueries.SetPositions(moved), cancellationToken: cancellationToken);
    }

    private async Task<Dictionary<string, long>> PositionsAsync(IClientSessionHandle session, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var documents = await store.Resources.Find(session, Builders<BsonDocument>.Filter.In(ResourceDocuments.Id, ids))
            .Project(PositionOnly).ToListAsync(cancellationToken);
        return documents.ToDictionary(d => d[ResourceDocuments.Id].AsString, d => d[ResourceDocuments.Position].ToInt64(), StringComparer.Ordinal);
    }
}

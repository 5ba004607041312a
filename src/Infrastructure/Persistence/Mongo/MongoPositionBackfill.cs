using CrudCqrs.Domain.Resources;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>
/// Gives every document of a collection written before positions existed its place in the
/// dependency order, once, at start, in O(resources + dependencies): the ids in creation order
/// and their dependency lists in one read, <see cref="DependencyGraph.CreationTopologicalOrder"/>,
/// then batched updates. It runs before the unique position index exists, and every instance
/// computes the same order, so instances starting together write the same values.
/// </summary>
public sealed class MongoPositionBackfill(MongoStore store, ILogger logger)
{
    public const int BatchSize = 10_000;

    private static readonly ProjectionDefinition<BsonDocument> DependenciesOnly =
        Builders<BsonDocument>.Projection.Include(ResourceDocuments.Dependencies);

    /// <summary>Fills the positions when any is missing; returns how many documents were given one.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (await store.Resources.Find(MongoQueries.WithoutPosition).Limit(1).AnyAsync(cancellationToken) is false)
        {
            return 0;
        }
        var documents = await store.Resources.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(MongoQueries.StableOrder).Project(DependenciesOnly).ToListAsync(cancellationToken);
        logger.LogInformation("Computing dependency-order positions for {resource.count} resources", documents.Count);
        var numbers = new Dictionary<string, int>(documents.Count, StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            numbers[documents[i][ResourceDocuments.Id].AsString] = i;
        }
        var dependencies = documents
            .Select(d => (IReadOnlyList<int>)ResourceDocuments.DependencyIds(d)
                .Select(ResourceDocuments.Key).Where(numbers.ContainsKey).Select(k => numbers[k]).ToArray())
            .ToArray();
        var order = DependencyGraph.CreationTopologicalOrder(documents.Count, n => dependencies[n]);

        var placed = order.Select((node, index) => new PositionedNode(
            Guid.Parse(documents[node][ResourceDocuments.Id].AsString), index + 1L)).ToArray();
        var written = 0;
        foreach (var batch in placed.Chunk(BatchSize))
        {
            await store.Resources.BulkWriteAsync(MongoQueries.SetPositions(batch), new BulkWriteOptions { IsOrdered = false }, cancellationToken);
            written += batch.Length;
            logger.LogInformation("Dependency-order positions: {rows.done} of {rows.total} written", written, placed.Length);
        }
        return placed.Length;
    }
}

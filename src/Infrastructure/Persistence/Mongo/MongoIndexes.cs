using MongoDB.Bson;
using MongoDB.Driver;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>The indexes the repository's queries need, created idempotently on start.</summary>
public sealed class MongoIndexes(MongoStore store, ILogger<MongoIndexes> logger)
{
    private static readonly IndexKeysDefinitionBuilder<BsonDocument> Keys = Builders<BsonDocument>.IndexKeys;

    public static IReadOnlyList<CreateIndexModel<BsonDocument>> Definitions { get; } =
    [
        // Reverse lookups (who depends on X): delete, cascade and dependents walks. Multikey.
        new(Keys.Ascending(ResourceDocuments.Dependencies), new CreateIndexOptions { Name = "dependencies" }),
        // The paging order: created at, then id.
        new(Keys.Ascending(ResourceDocuments.CreatedAt).Ascending(ResourceDocuments.Id), new CreateIndexOptions { Name = "createdAt_id" }),
        // Search scans these small keys instead of whole documents.
        new(Keys.Ascending(ResourceDocuments.NameKey), new CreateIndexOptions { Name = "nameKey" }),
        new(Keys.Ascending(ResourceDocuments.DescriptionKey), new CreateIndexOptions { Name = "descriptionKey" }),
    ];

    /// <summary>
    /// Search order. Unique, so pages by position neither repeat nor skip; created after the
    /// positions of older documents are filled, since documents without one would collide.
    /// </summary>
    public static CreateIndexModel<BsonDocument> PositionDefinition { get; } =
        new(Keys.Ascending(ResourceDocuments.Position), new CreateIndexOptions { Name = "position", Unique = true });

    /// <summary>
    /// Creates the indexes (a no-op when they exist) and the graph lock document, so that the
    /// first write transaction does not have to create a collection. Warns on a standalone server.
    /// </summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.Resources.Indexes.CreateManyAsync(Definitions, cancellationToken);
            await store.IdempotencyKeys.Indexes.CreateManyAsync(MongoIdempotencyRecords.Indexes, cancellationToken);
            await new MongoPositionBackfill(store, logger).RunAsync(cancellationToken);
            await store.Resources.Indexes.CreateOneAsync(PositionDefinition, cancellationToken: cancellationToken);
            await store.Locks.UpdateOneAsync(
                Builders<BsonDocument>.Filter.Eq("_id", MongoStore.GraphLockId),
                Builders<BsonDocument>.Update.SetOnInsert("version", 0L),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            var transactions = await store.SupportsTransactionsAsync(cancellationToken);
            logger.LogInformation("MongoDB database {database} has its indexes", store.Database.DatabaseNamespace.DatabaseName);
            if (!transactions)
            {
                logger.LogWarning(
                    "MongoDB server is standalone (no replica set): reads work, writes answer 503 because they need transactions. See docs/mongodb.md");
            }
        }
        catch (Exception exception) when (MongoFailures.IsUnavailable(exception))
        {
            throw new Application.Abstractions.StoreUnavailableException(
                "MongoDB is unavailable: " + MongoFailures.Describe(exception), exception);
        }
    }
}

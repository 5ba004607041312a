using CrudCqrs.Application.Idempotency;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>
/// Idempotency keys on MongoDB (ADR 010): one document per (scope, key), unique on that pair,
/// written in the write's own transaction; a TTL index on <c>expiresAt</c> lets the server sweep.
/// </summary>
public static class MongoIdempotencyRecords
{
    public const string CollectionName = "idempotencyKeys";
    public const string Scope = "scope", Key = "key", RequestHash = "requestHash", Status = "status", Body = "body",
        Location = "location", ETag = "etag", CreatedAt = "createdAt", ExpiresAt = "expiresAt";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly IndexKeysDefinitionBuilder<BsonDocument> Keys = Builders<BsonDocument>.IndexKeys;

    public static IReadOnlyList<CreateIndexModel<BsonDocument>> Indexes { get; } =
    [
        new(Keys.Ascending(Scope).Ascending(Key), new CreateIndexOptions { Name = "scope_key", Unique = true }),
        // The server deletes a document once expiresAt has passed (its TTL monitor runs every minute).
        new(Keys.Ascending(ExpiresAt), new CreateIndexOptions { Name = "expiresAt_ttl", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>The live record of a key: an expired one not yet swept counts as absent.</summary>
    public static FilterDefinition<BsonDocument> Live(string scope, string key, DateTimeOffset now) =>
        Filter.Eq(Scope, scope) & Filter.Eq(Key, key) & Filter.Gt(ExpiresAt, now.UtcDateTime);

    /// <summary>An expired record of a key, replaced when the key is used again.</summary>
    public static FilterDefinition<BsonDocument> Expired(string scope, string key, DateTimeOffset now) =>
        Filter.Eq(Scope, scope) & Filter.Eq(Key, key) & Filter.Lte(ExpiresAt, now.UtcDateTime);

    public static BsonDocument ToBson(IdempotentRequest request, IdempotentAnswer answer) => new()
    {
        { Scope, request.Scope },
        { Key, request.Key },
        { RequestHash, request.RequestHash },
        { Status, answer.Status },
        { Body, (BsonValue?)answer.Body ?? BsonNull.Value },
        { Location, (BsonValue?)answer.Location ?? BsonNull.Value },
        { ETag, (BsonValue?)answer.ETag ?? BsonNull.Value },
        { CreatedAt, request.ReceivedAt.UtcDateTime },
        { ExpiresAt, request.ExpiresAt.UtcDateTime },
    };

    public static IdempotencyRecord FromBson(BsonDocument document) => new(
        document[RequestHash].AsString,
        new IdempotentAnswer(
            document[Status].ToInt32(),
            StringOrNull(document, Body),
            StringOrNull(document, Location),
            StringOrNull(document, ETag)));

    private static string? StringOrNull(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) && value.IsString ? value.AsString : null;

    /// <summary>Records the answer in the session's transaction; a live record of the key makes it <see cref="IdempotencyKeyTakenException"/>.</summary>
    public static async Task InsertAsync(
        IMongoCollection<BsonDocument> collection, IClientSessionHandle session, IdempotentRequest request, IdempotentAnswer answer,
        CancellationToken cancellationToken)
    {
        await collection.DeleteOneAsync(session, Expired(request.Scope, request.Key, request.ReceivedAt), cancellationToken: cancellationToken);
        try
        {
            await collection.InsertOneAsync(session, ToBson(request, answer), cancellationToken: cancellationToken);
        }
        catch (MongoWriteException exception) when (exception.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new IdempotencyKeyTakenException(request.Key);
        }
    }
}

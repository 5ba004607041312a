using CrudCqrs.Application.Idempotency;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence.Mongo;

/// <summary>What the MongoDB store sends for idempotency keys, rendered the way the driver renders it, without a server.</summary>
public sealed class MongoIdempotencyRecordsTests
{
    private static readonly RenderArgs<BsonDocument> Args = new(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry);
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    private static IdempotentRequest Request(string scope = "alice") =>
        new(scope, "key-1", "hash-1", Now, Now.AddHours(24), _ => throw new InvalidOperationException("not rendered here"));

    [Fact]
    public void A_live_record_is_the_key_in_its_scope_that_has_not_expired()
    {
        Assert.Equal(
            BsonDocument.Parse("""{ "scope": "alice", "key": "key-1", "expiresAt": { "$gt": ISODate("2026-12-02T03:00:00Z") } }"""),
            MongoIdempotencyRecords.Live("alice", "key-1", Now).Render(Args));
    }

    [Fact]
    public void Only_an_expired_record_of_the_same_key_is_replaced()
    {
        Assert.Equal(
            BsonDocument.Parse("""{ "scope": "", "key": "key-1", "expiresAt": { "$lte": ISODate("2026-12-02T03:00:00Z") } }"""),
            MongoIdempotencyRecords.Expired("", "key-1", Now).Render(Args));
    }

    [Fact]
    public void A_record_round_trips_with_its_answer_and_expiry()
    {
        var answer = new IdempotentAnswer(201, """{"id":"x"}""", "/api/resources/x", "\"1\"");
        var document = MongoIdempotencyRecords.ToBson(Request(), answer);

        Assert.Equal(new DateTime(2026, 12, 3, 3, 0, 0, DateTimeKind.Utc), document["expiresAt"].ToUniversalTime());
        Assert.Equal("alice", document["scope"].AsString);
        Assert.Equal(new IdempotencyRecord("hash-1", answer), MongoIdempotencyRecords.FromBson(document));
    }

    [Fact]
    public void A_bodiless_answer_stores_nulls_and_reads_back_without_body_or_headers()
    {
        var answer = new IdempotentAnswer(204, null, null, null);
        var document = MongoIdempotencyRecords.ToBson(Request(), answer);

        Assert.Equal(BsonNull.Value, document["body"]);
        Assert.Equal(answer, MongoIdempotencyRecords.FromBson(document).Answer);
    }

    [Fact]
    public void Keys_are_unique_per_scope_and_expire_on_the_server()
    {
        var unique = MongoIdempotencyRecords.Indexes.Single(i => i.Options.Name == "scope_key");
        Assert.True(unique.Options.Unique);
        Assert.Equal(new BsonDocument { { "scope", 1 }, { "key", 1 } }, unique.Keys.Render(Args));

        var ttl = MongoIdempotencyRecords.Indexes.Single(i => i.Options.Name == "expiresAt_ttl");
        Assert.Equal(TimeSpan.Zero, ttl.Options.ExpireAfter);
        Assert.Equal(new BsonDocument("expiresAt", 1), ttl.Keys.Render(Args));
    }
}

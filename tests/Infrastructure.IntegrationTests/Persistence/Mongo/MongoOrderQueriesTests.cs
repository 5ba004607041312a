using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence.Mongo;

/// <summary>What the dependency-order maintenance and the search pages send to MongoDB, rendered without a server.</summary>
public sealed class MongoOrderQueriesTests
{
    private static readonly RenderArgs<BsonDocument> Args = new(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry);
    private static readonly Guid First = Guid.Parse("00000000-0000-7000-8000-000000000001");
    private static readonly Guid Second = Guid.Parse("00000000-0000-7000-8000-000000000002");

    [Fact]
    public void Search_pages_sort_by_position_and_a_cursor_seeks_past_it()
    {
        Assert.Equal(new BsonDocument("position", 1), MongoQueries.DependencyOrder.Render(Args));
        Assert.Equal(new BsonDocument("position", -1), MongoQueries.LastPositionFirst.Render(Args));
        Assert.Equal(new BsonDocument(), MongoQueries.SearchAfter(null, null).Render(Args));
        Assert.Equal(new BsonDocument("position", new BsonDocument("$gt", 41L)), MongoQueries.SearchAfter(null, 41).Render(Args));

        var rendered = MongoQueries.SearchAfter("Ab", 7).Render(Args);

        Assert.Equal(
            new BsonDocument
            {
                {
                    "$or", new BsonArray
                    {
                        new BsonDocument("nameKey", new BsonRegularExpression("ab")),
                        new BsonDocument("descriptionKey", new BsonRegularExpression("ab")),
                    }
                },
                { "position", new BsonDocument("$gt", 7L) },
            },
            rendered);
    }

    [Fact]
    public void The_reorder_searches_stay_inside_the_window()
    {
        Assert.Equal(
            BsonDocument.Parse("""{ "dependencies": { "$in": ["a", "b"] }, "position": { "$lte": NumberLong(9) } }"""),
            MongoQueries.DependentsUpTo(["a", "b"], 9).Render(Args));
        Assert.Equal(
            BsonDocument.Parse("""{ "_id": { "$in": ["c"] }, "position": { "$gt": NumberLong(3) } }"""),
            MongoQueries.AmongAfter(["c"], 3).Render(Args));
    }

    [Fact]
    public void A_reorder_parks_the_moving_documents_on_negative_positions_then_sets_each()
    {
        PositionedNode[] moved = [new(First, 3), new(Second, 8)];

        var park = Assert.IsType<UpdateManyModel<BsonDocument>>(Assert.Single(MongoQueries.ParkPositions(moved)));
        Assert.Equal(
            BsonDocument.Parse("""{ "_id": { "$in": ["00000000-0000-7000-8000-000000000001", "00000000-0000-7000-8000-000000000002"] } }"""),
            park.Filter.Render(Args));
        Assert.Equal(BsonDocument.Parse("""{ "$mul": { "position": NumberLong(-1) } }"""), park.Update.Render(Args).AsBsonDocument);

        var set = MongoQueries.SetPositions(moved).Cast<UpdateOneModel<BsonDocument>>().ToArray();
        Assert.Equal(2, set.Length);
        Assert.Equal(new BsonDocument("_id", "00000000-0000-7000-8000-000000000002"), set[1].Filter.Render(Args));
        Assert.Equal(BsonDocument.Parse("""{ "$set": { "position": NumberLong(8) } }"""), set[1].Update.Render(Args).AsBsonDocument);
    }

    [Fact]
    public void An_update_sets_every_stored_field_but_never_the_id_or_the_position()
    {
        var resource = Resource.Create(First, "Name", "Text", [Second], new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

        var set = MongoQueries.SetFields(resource).Render(Args).AsBsonDocument["$set"].AsBsonDocument;

        Assert.Equal(
            ["name", "nameKey", "description", "descriptionKey", "dependencies", "createdAt", "updatedAt", "version"],
            set.Names);
        Assert.Equal(new BsonArray { Second.ToString("D") }, set["dependencies"]);
    }

    [Fact]
    public void A_new_document_carries_its_position_and_the_position_index_is_unique()
    {
        var resource = Resource.Create(First, "Name", null, [], new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(new BsonInt64(12), ResourceDocuments.ToBson(resource, 12)["position"]);
        Assert.Equal(new BsonDocument("position", 1), MongoIndexes.PositionDefinition.Keys.Render(Args));
        Assert.True(MongoIndexes.PositionDefinition.Options.Unique);
        Assert.Equal(BsonDocument.Parse("""{ "position": { "$exists": false } }"""), MongoQueries.WithoutPosition.Render(Args));
    }
}

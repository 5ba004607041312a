using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence.Mongo;

/// <summary>The stored document shape, checked without a server.</summary>
public sealed class ResourceDocumentsTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 25, 22, 31, 8, 417, TimeSpan.Zero);

    private static readonly Resource Sample = new()
    {
        Id = Guid.Parse("0193a4f1-7c2e-7d3b-9a10-5f6e7d8c9b0a"),
        Name = "Billing API",
        Description = "Charges CARDS",
        Dependencies = [Guid.Parse("ffffffff-0000-4000-8000-000000000001"), Guid.Parse("00000000-0000-4000-8000-000000000002")],
        CreatedAt = Created,
        UpdatedAt = Created.AddMilliseconds(5),
        Version = 3_000_000_000L,
    };

    [Fact]
    public void A_resource_survives_the_round_trip_through_bson_bytes()
    {
        var bytes = ResourceDocuments.ToBson(Sample).ToBson();

        var read = ResourceDocuments.FromBson(MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonDocument>(bytes));

        Assert.Equal(Sample, read);
        Assert.Equal(Sample.Dependencies, read.Dependencies);
        Assert.Equal(TimeSpan.Zero, read.UpdatedAt.Offset);
    }

    [Fact]
    public void Fields_have_the_documented_names_and_bson_types()
    {
        var document = ResourceDocuments.ToBson(Sample);

        Assert.Equal(
            ["_id", "name", "nameKey", "description", "descriptionKey", "dependencies", "createdAt", "updatedAt", "version"],
            document.Names);
        Assert.Equal(new BsonString("0193a4f1-7c2e-7d3b-9a10-5f6e7d8c9b0a"), document["_id"]);
        Assert.Equal(new BsonString("billing api"), document["nameKey"]);
        Assert.Equal(new BsonString("charges cards"), document["descriptionKey"]);
        Assert.Equal(
            new BsonArray { "ffffffff-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002" },
            document["dependencies"]);
        Assert.Equal(new BsonDateTime(Created.ToUnixTimeMilliseconds()), document["createdAt"]);
        Assert.Equal(BsonType.Int64, document["version"].BsonType);
    }

    [Fact]
    public void A_missing_description_is_stored_as_null_and_read_back_as_null()
    {
        var bare = Sample with { Description = null, Dependencies = [] };

        var document = ResourceDocuments.ToBson(bare);
        var read = ResourceDocuments.FromBson(document);

        Assert.Equal(BsonNull.Value, document["description"]);
        Assert.Equal(BsonNull.Value, document["descriptionKey"]);
        Assert.Equal(bare, read);
    }

    [Fact]
    public void Uppercase_guid_text_never_reaches_the_store()
    {
        var document = ResourceDocuments.ToBson(Sample with { Id = Guid.Parse("ABCDEF01-2345-4678-9ABC-DEF012345678") });

        Assert.Equal("abcdef01-2345-4678-9abc-def012345678", document["_id"].AsString);
    }
}

using System.Text.RegularExpressions;
using CsCheck;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence.Mongo;

/// <summary>What the repository sends, rendered to BSON the way the driver renders it, without a server.</summary>
public sealed class MongoQueriesTests
{
    private static readonly RenderArgs<BsonDocument> Args = new(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry);

    [Fact]
    public void Search_lowercases_the_text_and_escapes_every_regex_metacharacter_in_it()
    {
        var rendered = MongoQueries.Search("A.b*(C)|[x]^$?+{1}\\").Render(Args);

        var expectedPattern = @"a\.b\*\(c\)\|\[x\]\^\$\?\+\{1\}\\";
        Assert.Equal(
            new BsonDocument("$or", new BsonArray
            {
                new BsonDocument("nameKey", new BsonRegularExpression(expectedPattern)),
                new BsonDocument("descriptionKey", new BsonRegularExpression(expectedPattern)),
            }),
            rendered);
        Assert.Equal("", rendered["$or"][0]["nameKey"].AsBsonRegularExpression.Options);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Search_without_text_matches_everything(string? text)
    {
        Assert.Equal(new BsonDocument(), MongoQueries.Search(text).Render(Args));
    }

    [Fact]
    public void An_escaped_pattern_matches_exactly_where_the_text_occurs_literally()
    {
        // .NET's engine stands in for PCRE here: both read a backslash before a non-alphanumeric
        // character as that character, which is all the escaping relies on.
        var text = Gen.String["ab.*+?()[]{}|^$\\/- _#Aé\0\u0001\n\r\t\u007f"];
        Gen.Select(text, text).Sample((needle, haystack) =>
        {
            var key = needle.ToLowerInvariant();
            var stored = haystack.ToLowerInvariant();
            return Regex.IsMatch(stored, MongoQueries.EscapeRegex(key), RegexOptions.CultureInvariant) == stored.Contains(key, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("ab\0", @"ab\x00")]
    [InlineData("\0\0\0", @"\x00\x00\x00")]
    [InlineData("a\nb\u007f", @"a\x0ab\x7f")]
    public void Control_characters_are_escaped_so_the_pattern_serializes_as_bson(string text, string pattern)
    {
        var rendered = MongoQueries.Search(text).Render(Args);

        Assert.Equal(pattern, rendered["$or"][0]["nameKey"].AsBsonRegularExpression.Pattern);
        Assert.NotEmpty(rendered.ToBson());
    }

    [Fact]
    public void Paging_sorts_by_created_time_then_id()
    {
        Assert.Equal(new BsonDocument { { "createdAt", 1 }, { "_id", 1 } }, MongoQueries.StableOrder.Render(Args));
    }

    [Fact]
    public void Id_filters_use_lowercase_guid_text()
    {
        var id = Guid.Parse("ABCDEF01-2345-4678-9ABC-DEF012345678");

        Assert.Equal(new BsonDocument("_id", "abcdef01-2345-4678-9abc-def012345678"), MongoQueries.ById(id).Render(Args));
        Assert.Equal(
            new BsonDocument("dependencies", new BsonDocument("$in", new BsonArray { "x", "y" })),
            MongoQueries.DependingOnAny(["x", "y"]).Render(Args));
    }

    [Fact]
    public void Indexes_cover_reverse_lookups_paging_and_search_keys()
    {
        var keys = MongoIndexes.Definitions.Select(d => d.Keys.Render(Args)).ToArray();

        Assert.Equal(
            [
                new BsonDocument("dependencies", 1),
                new BsonDocument { { "createdAt", 1 }, { "_id", 1 } },
                new BsonDocument("nameKey", 1),
                new BsonDocument("descriptionKey", 1),
            ],
            keys);
        Assert.All(MongoIndexes.Definitions, d => Assert.False(string.IsNullOrEmpty(d.Options.Name)));
    }

    [Fact]
    public void Removing_deleted_dependencies_keeps_order_bumps_the_version_and_moves_the_update_time_forward()
    {
        var now = new DateTimeOffset(2026, 11, 25, 10, 0, 0, 5, TimeSpan.Zero).AddTicks(1234);

        var rendered = MongoQueries.RemoveDependencies(["gone"], now).Render(Args);

        var set = Assert.Single(rendered.AsBsonArray).AsBsonDocument["$set"].AsBsonDocument;
        Assert.Equal(
            BsonDocument.Parse("""{ "$filter": { "input": "$dependencies", "as": "d", "cond": { "$not": [{ "$in": ["$$d", { "$literal": ["gone"] }] }] } } }"""),
            set["dependencies"]);
        Assert.Equal(new BsonDocument("$add", new BsonArray { "$version", new BsonInt64(1) }), set["version"]);
        Assert.Equal(
            new BsonDocument("$max", new BsonArray
            {
                new BsonDateTime(new DateTimeOffset(2026, 11, 25, 10, 0, 0, 5, TimeSpan.Zero).ToUnixTimeMilliseconds()),
                new BsonDocument("$add", new BsonArray { "$updatedAt", new BsonInt64(1) }),
            }),
            set["updatedAt"]);
    }

    [Fact]
    public void A_hello_reply_with_a_set_name_or_from_a_router_allows_transactions()
    {
        Assert.True(MongoStore.IsReplicaSetOrRouter(BsonDocument.Parse("""{ "isWritablePrimary": true, "setName": "rs0" }""")));
        Assert.True(MongoStore.IsReplicaSetOrRouter(BsonDocument.Parse("""{ "isWritablePrimary": true, "msg": "isdbgrid" }""")));
        Assert.False(MongoStore.IsReplicaSetOrRouter(BsonDocument.Parse("""{ "isWritablePrimary": true, "maxWireVersion": 21 }""")));
    }
}

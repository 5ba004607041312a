using System.Globalization;
using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>The filters and sorts the repository sends, kept apart so tests can render them to BSON.</summary>
public static class MongoQueries
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public static SortDefinition<BsonDocument> StableOrder { get; } =
        Builders<BsonDocument>.Sort.Ascending(ResourceDocuments.CreatedAt).Ascending(ResourceDocuments.Id);

    /// <summary>Search order: the dependency order, served by the unique <c>position</c> index.</summary>
    public static SortDefinition<BsonDocument> DependencyOrder { get; } = Builders<BsonDocument>.Sort.Ascending(ResourceDocuments.Position);

    /// <summary>The last position first: where a new resource goes is one index entry away.</summary>
    public static SortDefinition<BsonDocument> LastPositionFirst { get; } = Builders<BsonDocument>.Sort.Descending(ResourceDocuments.Position);

    /// <summary>Documents written before positions existed.</summary>
    public static FilterDefinition<BsonDocument> WithoutPosition { get; } = Filter.Exists(ResourceDocuments.Position, false);

    /// <summary>The search matches after <paramref name="afterPosition"/> in the dependency order (all of them when null).</summary>
    public static FilterDefinition<BsonDocument> SearchAfter(string? text, long? afterPosition) =>
        afterPosition is { } after
            ? Filter.And(Search(text), Filter.Gt(ResourceDocuments.Position, after))
            : Search(text);

    /// <summary>
    /// The next level of a forward search (Pearce–Kelly): resources depending on any of
    /// <paramref name="ids"/> that stand no later than <paramref name="upper"/>.
    /// </summary>
    public static FilterDefinition<BsonDocument> DependentsUpTo(IEnumerable<string> ids, long upper) =>
        Filter.And(Filter.In(ResourceDocuments.Dependencies, ids), Filter.Lte(ResourceDocuments.Position, upper));

    /// <summary>The next level of a backward search: <paramref name="ids"/> among those standing after <paramref name="lower"/>.</summary>
    public static FilterDefinition<BsonDocument> AmongAfter(IEnumerable<string> ids, long lower) =>
        Filter.And(Filter.In(ResourceDocuments.Id, ids), Filter.Gt(ResourceDocuments.Position, lower));

    /// <summary>First step of a reorder: every moving document to the negative of its position, so no two collide on the unique index.</summary>
    public static IReadOnlyList<WriteModel<BsonDocument>> ParkPositions(IEnumerable<CrudCqrs.Domain.Resources.PositionedNode> moved) =>
        [new UpdateManyModel<BsonDocument>(
            Filter.In(ResourceDocuments.Id, moved.Select(n => ResourceDocuments.Key(n.Id))),
            new BsonDocument("$mul", new BsonDocument(ResourceDocuments.Position, new BsonInt64(-1))))];

    /// <summary>Second step of a reorder: each moving document to its new position.</summary>
    public static IReadOnlyList<WriteModel<BsonDocument>> SetPositions(IEnumerable<CrudCqrs.Domain.Resources.PositionedNode> moved) =>
        moved.Select(n => (WriteModel<BsonDocument>)new UpdateOneModel<BsonDocument>(
            ById(n.Id), Builders<BsonDocument>.Update.Set(ResourceDocuments.Position, n.Position))).ToArray();

    /// <summary>Everything a write sets on an existing resource: all stored fields but its id and position.</summary>
    public static UpdateDefinition<BsonDocument> SetFields(CrudCqrs.Domain.Resources.Resource resource)
    {
        var fields = ResourceDocuments.ToBson(resource);
        fields.Remove(ResourceDocuments.Id);
        return new BsonDocument("$set", fields);
    }

    /// <summary>Everything after the cursor in the stable order; served by the {createdAt, _id} index.</summary>
    public static FilterDefinition<BsonDocument> After(CrudCqrs.Application.Abstractions.ResourceCursor cursor)
    {
        var createdAt = new BsonDateTime(cursor.CreatedAt.ToUnixTimeMilliseconds());
        return Filter.Or(
            Filter.Gt(ResourceDocuments.CreatedAt, createdAt),
            Filter.And(Filter.Eq(ResourceDocuments.CreatedAt, createdAt), Filter.Gt(ResourceDocuments.Id, ResourceDocuments.Key(cursor.Id))));
    }

    public static FilterDefinition<BsonDocument> ById(Guid id) => Filter.Eq(ResourceDocuments.Id, ResourceDocuments.Key(id));

    public static FilterDefinition<BsonDocument> ByIds(IEnumerable<Guid> ids) =>
        Filter.In(ResourceDocuments.Id, ids.Select(ResourceDocuments.Key));

    /// <summary>Resources listing any of <paramref name="ids"/> among their dependencies (multikey index).</summary>
    public static FilterDefinition<BsonDocument> DependingOnAny(IEnumerable<string> ids) =>
        Filter.In(ResourceDocuments.Dependencies, ids);

    /// <summary>
    /// Update pipeline for the resources that survive a delete: drops <paramref name="deletedKeys"/>
    /// from their lists (order kept), bumps the version, and moves the updated time to
    /// max(now, updated + 1 ms), as on SQLite.
    /// </summary>
    public static UpdateDefinition<BsonDocument> RemoveDependencies(IReadOnlyCollection<string> deletedKeys, DateTimeOffset now)
    {
        var deleted = new BsonDocument("$literal", new BsonArray(deletedKeys));
        var nowDate = new BsonDateTime(Domain.Resources.Timestamps.Normalize(now).ToUnixTimeMilliseconds());
        var set = new BsonDocument("$set", new BsonDocument
        {
            {
                ResourceDocuments.Dependencies, new BsonDocument("$filter", new BsonDocument
                {
                    { "input", "$" + ResourceDocuments.Dependencies },
                    { "as", "d" },
                    { "cond", new BsonDocument("$not", new BsonArray { new BsonDocument("$in", new BsonArray { "$$d", deleted }) }) },
                })
            },
            { ResourceDocuments.Version, new BsonDocument("$add", new BsonArray { "$" + ResourceDocuments.Version, new BsonInt64(1) }) },
            {
                ResourceDocuments.UpdatedAt, new BsonDocument("$max", new BsonArray
                {
                    nowDate,
                    new BsonDocument("$add", new BsonArray { "$" + ResourceDocuments.UpdatedAt, new BsonInt64(1) }),
                })
            },
        });
        return Builders<BsonDocument>.Update.Pipeline(PipelineDefinition<BsonDocument, BsonDocument>.Create([set]));
    }

    /// <summary>
    /// Case-insensitive substring on name or description: the text is lowercased like the stored
    /// keys and every regex metacharacter in it is escaped, so <c>a.b*</c> finds only "a.b*".
    /// </summary>
    public static FilterDefinition<BsonDocument> Search(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Filter.Empty;
        }
        var pattern = new BsonRegularExpression(EscapeRegex(text.ToLowerInvariant()));
        return Filter.Or(
            Filter.Regex(ResourceDocuments.NameKey, pattern),
            Filter.Regex(ResourceDocuments.DescriptionKey, pattern));
    }

    /// <summary>
    /// Backslash before every ASCII character that is not a letter or digit: in PCRE (the
    /// server's regex engine) an escaped non-alphanumeric always stands for itself, so this is
    /// safe for characters that are not special too. Letters, digits, '_' (a word character, whose
    /// escape some engines reject) and non-ASCII text stay as they are. ASCII control characters
    /// become <c>\xHH</c>: BSON carries a pattern as a C string, which cannot hold a NUL.
    /// </summary>
    public static string EscapeRegex(string text)
    {
        var escaped = new StringBuilder(text.Length * 2);
        foreach (var c in text)
        {
            if (c is < (char)0x20 or (char)0x7F)
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                continue;
            }
            if (c < 128 && !char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}

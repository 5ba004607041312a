using CrudCqrs.Domain.Resources;
using MongoDB.Bson;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>
/// The stored shape of a resource, mapped by hand: no class maps or conventions, so a global
/// BSON setting elsewhere cannot change what is written. Ids are lowercase GUID strings (their
/// binary order is the SQLite order), timestamps BSON dates (UTC milliseconds), the version an int64.
/// </summary>
public static class ResourceDocuments
{
    public const string CollectionName = "resources";

    public const string Id = "_id";
    public const string Name = "name";
    public const string NameKey = "nameKey";
    public const string Description = "description";
    public const string DescriptionKey = "descriptionKey";
    public const string Dependencies = "dependencies";
    public const string CreatedAt = "createdAt";
    public const string UpdatedAt = "updatedAt";
    public const string Version = "version";

    /// <summary>The resource's place in the store's one topological order (search order); unique.</summary>
    public const string Position = "position";

    public static string Key(Guid id) => id.ToString("D");

    /// <summary>A new document, at <paramref name="position"/> in the dependency order.</summary>
    public static BsonDocument ToBson(Resource resource, long position)
    {
        var document = ToBson(resource);
        document.Add(Position, new BsonInt64(position));
        return document;
    }

    /// <summary>The stored fields of a resource, without its position (which only the order maintenance writes).</summary>
    public static BsonDocument ToBson(Resource resource) => new()
    {
        { Id, Key(resource.Id) },
        { Name, resource.Name },
        // Lowercased copies, as on SQLite: case folding happens once, in .NET, at write time.
        { NameKey, resource.Name.ToLowerInvariant() },
        { Description, resource.Description is null ? BsonNull.Value : resource.Description },
        { DescriptionKey, resource.Description is null ? BsonNull.Value : resource.Description.ToLowerInvariant() },
        { Dependencies, new BsonArray(resource.Dependencies.Select(Key)) },
        { CreatedAt, new BsonDateTime(resource.CreatedAt.ToUnixTimeMilliseconds()) },
        { UpdatedAt, new BsonDateTime(resource.UpdatedAt.ToUnixTimeMilliseconds()) },
        { Version, new BsonInt64(resource.Version) },
    };

    public static Resource FromBson(BsonDocument document) => new()
    {
        Id = Guid.Parse(document[Id].AsString),
        Name = document[Name].AsString,
        Description = document.GetValue(Description, BsonNull.Value) is { IsString: true } description ? description.AsString : null,
        Dependencies = DependencyIds(document),
        CreatedAt = Timestamps.FromUnixMilliseconds(document[CreatedAt].AsBsonDateTime.MillisecondsSinceEpoch),
        UpdatedAt = Timestamps.FromUnixMilliseconds(document[UpdatedAt].AsBsonDateTime.MillisecondsSinceEpoch),
        Version = document[Version].ToInt64(),
    };

    public static Guid[] DependencyIds(BsonDocument document) =>
        document.GetValue(Dependencies, BsonNull.Value) is BsonArray array
            ? array.Select(d => Guid.Parse(d.AsString)).ToArray()
            : [];
}

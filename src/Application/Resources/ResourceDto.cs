using System.Text.Json.Serialization;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.Resources;

/// <summary>A resource as clients see it (see docs/api.md); <see cref="ETag"/> travels as a header, not in the body.</summary>
public sealed record ResourceDto(
    Guid Id,
    string Name,
    string? Description,
    IReadOnlyList<Guid> Dependencies,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    [JsonIgnore]
    public string ETag { get; init; } = "";

    // The DTO shares the domain's dependency list: nothing changes a list once a resource is made.
    public static ResourceDto From(Resource resource) =>
        new(resource.Id, resource.Name, resource.Description, resource.Dependencies, resource.CreatedAt.UtcDateTime, resource.UpdatedAt.UtcDateTime)
        {
            ETag = resource.ETag,
        };

    /// <summary>A page's items, mapped without a per-page LINQ pipeline.</summary>
    public static ResourceDto[] FromAll(IReadOnlyList<Resource> resources)
    {
        var items = new ResourceDto[resources.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = From(resources[i]);
        }
        return items;
    }
}

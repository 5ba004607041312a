using System.Diagnostics.CodeAnalysis;

namespace CrudCqrs.Application.Resources;

/// <summary>Ids travel as lowercase GUID strings; anything else names no resource.</summary>
public static class ResourceIds
{
    public static bool TryParse([NotNullWhen(true)] string? text, out Guid id)
    {
        // Guid.TryParseExact("D") alone also takes uppercase digits and surrounding whitespace.
        if (text is not { Length: 36 } || text.AsSpan().ContainsAnyInRange('A', 'Z'))
        {
            id = Guid.Empty;
            return false;
        }
        return Guid.TryParseExact(text, "D", out id);
    }

    /// <summary>The id a request names; one that cannot exist is reported as not found, like one that does not.</summary>
    public static Guid ParseExisting(string text) =>
        TryParse(text, out var id) ? id : throw new Domain.Resources.ResourceNotFoundException(text);
}

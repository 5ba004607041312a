using System.Diagnostics.CodeAnalysis;

namespace CrudCqrs.Application.Resources;

/// <summary>Ids travel as lowercase GUID strings; anything else names no resource.</summary>
public static class ResourceIds
{
    public static bool TryParse([NotNullWhen(true)] string? text, out Guid id)
    {
        // "D" alone also accepts uppercase hex; the canonical form is the only spelling of an id.
        if (Guid.TryParseExact(text, "D", out id) && string.Equals(text, id.ToString("D"), StringComparison.Ordinal))
        {
            return true;
        }
        id = Guid.Empty;
        return false;
    }
}

using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.Resources;

/// <summary>
/// Opaque keyset cursors: the (created at, id) of the last resource of a page, versioned and
/// base64url-encoded so clients treat them as tokens and the format can change later.
/// </summary>
public static class PageCursor
{
    private const string Version = "v1";

    public static string Encode(Resource last) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{Version}:{last.CreatedAt.ToUnixTimeMilliseconds()}:{last.Id:D}")));

    /// <summary>The position a cursor names, or null when it is not one this service issued.</summary>
    public static ResourceCursor? Decode(string text)
    {
        if (text.Length is 0 or > 128)
        {
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = Encoding.ASCII.GetString(bytes).Split(':');
        return parts.Length == 3 && parts[0] == Version
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            && ResourceIds.TryParse(parts[2], out var id)
                ? new ResourceCursor(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), id)
                : null;
    }
}

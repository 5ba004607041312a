using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.Resources;

/// <summary>
/// Opaque keyset cursors, versioned and base64url-encoded so clients treat them as tokens and
/// the format can change later. A list cursor holds the (created at, id) of the last resource of
/// a page; a search cursor, with a prefix of its own so neither is mistaken for the other, holds
/// that resource's position in the dependency order.
/// </summary>
public static class PageCursor
{
    private const string Version = "v1";
    private const string SearchVersion = "s1";

    public static string Encode(Resource last) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{Version}:{last.CreatedAt.ToUnixTimeMilliseconds()}:{last.Id:D}")));

    /// <summary>The position a cursor names, or null when it is not one this service issued.</summary>
    public static ResourceCursor? Decode(string text) =>
        Parts(text, 128) is [Version, var time, var idText]
        && long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
        && milliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
        && ResourceIds.TryParse(idText, out var id)
            ? new ResourceCursor(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), id)
            : null;

    public static string EncodeSearch(long position) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{SearchVersion}:{position}")));

    /// <summary>The dependency-order position a search cursor names, or null when it is not a search cursor this service issued.</summary>
    public static long? DecodeSearch(string text) =>
        Parts(text, 64) is [SearchVersion, var positionText]
        && long.TryParse(positionText, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : null;

    private static string[]? Parts(string text, int maxLength)
    {
        if (text.Length == 0 || text.Length > maxLength)
        {
            return null;
        }
        try
        {
            return Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text)).Split(':');
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

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

    private static readonly Lock LastIssuedLock = new();
    private static Guid _lastIssued;

    /// <summary>
    /// A version 7 id for a resource created at <paramref name="now"/>, greater than every id this
    /// process issued before. Guid.CreateVersion7 fills the bits after the timestamp at random, so
    /// two ids of one millisecond would otherwise come out in either order, and a resource could
    /// sort before a dependency created just before it; search pages in creation order only while
    /// no dependency sorts after its dependent. When the clock steps back, ids keep counting up
    /// from the last one (their timestamp then runs ahead of the creation time, which is harmless).
    /// </summary>
    public static Guid NewId(DateTimeOffset now)
    {
        var candidate = Guid.CreateVersion7(now);
        lock (LastIssuedLock)
        {
            if (candidate.CompareTo(_lastIssued) <= 0)
            {
                candidate = Successor(_lastIssued);
            }
            _lastIssued = candidate;
            return candidate;
        }
    }

    /// <summary>The next id after <paramref name="id"/>: its 74 random bits counted up by one, version and variant kept.</summary>
    internal static Guid Successor(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        // rand_b: the low 6 bits of byte 8 and bytes 9-15; rand_a: the low nibble of byte 6 and byte 7.
        for (var i = 15; i >= 9; i--)
        {
            if (++bytes[i] != 0)
            {
                return new Guid(bytes, bigEndian: true);
            }
        }
        if ((bytes[8] & 0x3F) != 0x3F)
        {
            bytes[8]++;
            return new Guid(bytes, bigEndian: true);
        }
        bytes[8] &= 0xC0;
        if (++bytes[7] != 0)
        {
            return new Guid(bytes, bigEndian: true);
        }
        // 2^74 ids in one millisecond cannot happen; wrapping keeps the version nibble intact.
        bytes[6] = (byte)(0x70 | ((bytes[6] + 1) & 0x0F));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The id a request names; one that cannot exist is reported as not found, like one that does not.</summary>
    public static Guid ParseExisting(string text) =>
        TryParse(text, out var id) ? id : throw new Domain.Resources.ResourceNotFoundException(text);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrudCqrs.Api.Http;

/// <summary>Timestamps go out as UTC ISO 8601 with exactly three fractional digits and <c>Z</c>.</summary>
public sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    /// <summary>Length of <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    private const int FormattedLength = 24;

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().UtcDateTime;

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => WriteValue(writer, value);

    /// <summary>
    /// Writes the digits straight into UTF-8: a page of 100 resources writes 200 timestamps, and
    /// the custom format string path (<c>ToString("yyyy-MM-dd'T'…")</c>) parsed its pattern and
    /// allocated a string for each.
    /// </summary>
    public static void WriteValue(Utf8JsonWriter writer, DateTime value)
    {
        var utc = value.ToUniversalTime();
        Span<byte> text = stackalloc byte[FormattedLength];
        Digits(text[..4], utc.Year);
        text[4] = (byte)'-';
        Digits(text.Slice(5, 2), utc.Month);
        text[7] = (byte)'-';
        Digits(text.Slice(8, 2), utc.Day);
        text[10] = (byte)'T';
        Digits(text.Slice(11, 2), utc.Hour);
        text[13] = (byte)':';
        Digits(text.Slice(14, 2), utc.Minute);
        text[16] = (byte)':';
        Digits(text.Slice(17, 2), utc.Second);
        text[19] = (byte)'.';
        Digits(text.Slice(20, 3), utc.Millisecond);
        text[23] = (byte)'Z';
        writer.WriteStringValue(text);
    }

    /// <summary>Writes <paramref name="value"/> zero-padded to the span's length.</summary>
    private static void Digits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}

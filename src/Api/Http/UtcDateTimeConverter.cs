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
    /// Writes the digits straight into UTF-8 as a raw, already quoted value: a page of 100
    /// resources writes 200 timestamps, and the custom format string path
    /// (<c>ToString("yyyy-MM-dd'T'…")</c>) parsed its pattern and allocated a string for each. The
    /// date is taken apart once (each of Year, Month and Day would do it again), and the text holds
    /// nothing to escape.
    /// </summary>
    public static void WriteValue(Utf8JsonWriter writer, DateTime value)
    {
        var utc = value.ToUniversalTime();
        var (year, month, day) = utc;
        var milliseconds = (int)(utc.Ticks % TimeSpan.TicksPerDay / TimeSpan.TicksPerMillisecond);
        Span<byte> text = stackalloc byte[FormattedLength + 2];
        text[0] = (byte)'"';
        Digits(text.Slice(1, 4), year);
        text[5] = (byte)'-';
        Digits(text.Slice(6, 2), month);
        text[8] = (byte)'-';
        Digits(text.Slice(9, 2), day);
        text[11] = (byte)'T';
        Digits(text.Slice(12, 2), milliseconds / 3_600_000);
        text[14] = (byte)':';
        Digits(text.Slice(15, 2), milliseconds / 60_000 % 60);
        text[17] = (byte)':';
        Digits(text.Slice(18, 2), milliseconds / 1_000 % 60);
        text[20] = (byte)'.';
        Digits(text.Slice(21, 3), milliseconds % 1_000);
        text[24] = (byte)'Z';
        text[25] = (byte)'"';
        writer.WriteRawValue(text, skipInputValidation: true);
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

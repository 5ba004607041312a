using System.Text;
using CsCheck;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// Generators for what a hostile client sends: control characters (NUL, CR, LF, DEL, C1), bidi
/// controls, lone surrogates, quotes and syntax characters of every layer, text from anywhere in
/// Unicode, and strings of tens of kilobytes; and ways to put them on the wire as raw bytes.
/// </summary>
public static class HostileInput
{
    public static readonly Gen<char> Characters = Gen.Frequency(
        (3, Gen.Char['\0', '\u001F']),
        (1, Gen.Char['\u007F', '\u009F']),
        (5, Gen.Char[' ', '~']),
        (1, Gen.Char['\u202A', '\u202E']),
        (1, Gen.Char['\u2066', '\u2069']),
        (1, Gen.Char['\uD800', '\uDFFF']),
        (3, Gen.Char['\u00A0', '\uFFFF']));

    /// <summary>Pieces with a meaning somewhere below: FTS5, JSON, HTTP, percent-encoding, ids, cursors.</summary>
    private static readonly Gen<string> Tokens = Gen.OneOf(
        "\0", "\r\n", "%00", "%", "\"", "'", "\\", "*", "^", "NEAR(", "\" OR \"", ":", "{}", "[]", "null", "true", "-1",
        "2147483648", "1e3", "0x10", "５", "🚀", "👩‍💻", "\uD83D", "\uDE80", "\u202Egnp", "00000000-0000-0000-0000-000000000000",
        "3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c", "W/\"1\"", "\"1\"", "*", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "eyJ2IjoxfQ", "AAAAAAAAAAA", "text/plain; charset=utf-16", "application/json; charset=\"\"", "multipart/form-data; boundary=");

    /// <summary>Mostly short text mixing characters and tokens; one in ten tens of kilobytes long.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (6, Characters.Array[0, 40].Select(chars => new string(chars))),
        (3, Gen.Frequency((3, Characters.Select(c => c.ToString())), (1, Tokens)).Array[0, 12].Select(string.Concat)),
        (1, Gen.Select(Characters.Array[1, 8], Gen.Int[1_000, 30_000]).Select((chars, length) => Repeat(new string(chars), length))),
        (1, Characters.Array[1_000, 20_000].Select(chars => new string(chars))));

    /// <summary>Bytes that need not be UTF-8 at all: for the query and the path, percent-encoded.</summary>
    public static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (4, Gen.Byte.Array[0, 40]),
        (1, Gen.Byte.Array[1_000, 10_000]));

    /// <summary>
    /// The text as WTF-8 (UTF-8 that also encodes a lone surrogate as its three bytes), every byte
    /// that is not unreserved percent-encoded: the server decodes exactly these bytes.
    /// </summary>
    public static string PercentEncoded(string text) => PercentEncoded(Wtf8(text));

    public static string PercentEncoded(byte[] bytes)
    {
        var encoded = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2"));
            }
        }
        return encoded.ToString();
    }

    /// <summary>A JSON string literal of <paramref name="text"/>, lone surrogates included (as <c>\uXXXX</c> escapes).</summary>
    public static string JsonString(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c is < ' ' or > '~')
            {
                json.Append("\\u").Append(((int)c).ToString("x4"));
            }
            else
            {
                json.Append(c);
            }
        }
        return json.Append('"').ToString();
    }

    /// <summary>For failure messages: long inputs shown by their start and length.</summary>
    public static string Show(string text) =>
        text.Length <= 120 ? JsonString(text) : $"{JsonString(text[..120])}… ({text.Length} chars)";

    private static byte[] Wtf8(string text)
    {
        var bytes = new List<byte>(text.Length * 3);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text.Substring(i, 2)));
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                int c = text[i];
                bytes.AddRange([(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))]);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return bytes.ToArray();
    }

    private static string Repeat(string unit, int length)
    {
        var text = new StringBuilder(length + unit.Length);
        while (text.Length < length)
        {
            text.Append(unit);
        }
        return text.ToString();
    }
}

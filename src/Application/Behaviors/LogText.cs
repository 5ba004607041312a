namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// Client-supplied text made safe for a log line: control characters (a CR/LF could forge a
/// second line, an escape sequence could recolour a terminal) become spaces, and the length is
/// bounded, since an id in a URL can be 64 KB long.
/// </summary>
public static class LogText
{
    /// <summary>The longest id prefix a line repeats from a request.</summary>
    public const int IdPrefixLength = 64;

    /// <summary>The longest refusal message a line carries.</summary>
    public const int MessageLength = 512;

    public static string Bounded(string text, int maxLength)
    {
        var cut = text.Length > maxLength;
        var length = cut ? maxLength : text.Length;
        if (cut && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }
        return string.Create(length + (cut ? 1 : 0), (text, cut), static (span, state) =>
        {
            var (source, ellipsis) = state;
            var end = ellipsis ? span.Length - 1 : span.Length;
            for (var i = 0; i < end; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
            if (ellipsis)
            {
                span[^1] = '…';
            }
        });
    }
}

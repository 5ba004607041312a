using System.Globalization;
using System.Text;

namespace CrudCqrs.Application.Resources;

/// <summary>
/// Which characters a client's text may hold. Control characters (Unicode category Cc) break
/// logs and terminals, and C-string consumers downstream (SQLite's FTS5 query, BSON patterns);
/// free text (descriptions, search text) may still hold tabs and line breaks. Bidi embeddings,
/// overrides and isolates reorder how a name is displayed, so one name could pose as another.
/// A lone surrogate is not a character at all and cannot be stored as UTF-8.
/// </summary>
public static class TextRules
{
    /// <summary>True when <paramref name="text"/> holds any control character, tab and line breaks included.</summary>
    public static bool HasControlCharacter(string? text) => text is not null && text.Any(char.IsControl);

    /// <summary>True when <paramref name="text"/> holds a control character other than tab, CR and LF.</summary>
    public static bool HasControlCharacterBesidesLineBreaks(string? text) =>
        text is not null && text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'));

    /// <summary>True when <paramref name="text"/> holds U+202A–U+202E (embeddings, overrides) or U+2066–U+2069 (isolates).</summary>
    public static bool HasBidiControl(string? text) =>
        text is not null && text.Any(c => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'));

    /// <summary>
    /// True when <paramref name="text"/> has no character that shows: only white space, format
    /// characters (zero-width space and joiners, U+2060 word joiner, U+FEFF, soft hyphen, the tag
    /// characters), variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF, the Mongolian ones),
    /// the combining grapheme joiner, and the letters that render blank (the Hangul fillers U+115F,
    /// U+1160, U+3164, U+FFA0; the blank Braille pattern U+2800). Such a name looks empty in every
    /// list. The format characters that print a sign (the Arabic number signs and their kin,
    /// Unicode's prepended concatenation marks) do show.
    /// </summary>
    public static bool ShowsNothing(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsBlank(rune))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsBlank(Rune rune) => rune.Value switch
    {
        (>= 0x0600 and <= 0x0605) or 0x06DD or 0x070F or 0x0890 or 0x0891 or 0x08E2 or 0x110BD or 0x110CD => false,
        (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF) or (>= 0x180B and <= 0x180F) or 0x034F => true,
        0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800 => true,
        _ => Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format || Rune.IsWhiteSpace(rune),
    };

    /// <summary>True when <paramref name="text"/> holds a high surrogate without its low one, or the reverse.</summary>
    public static bool HasLoneSurrogate(string? text)
    {
        if (text is null)
        {
            return false;
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }
}

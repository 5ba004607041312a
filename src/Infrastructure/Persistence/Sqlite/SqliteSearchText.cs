namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A search text as the store matches it: a plain substring of the lowercased name or description
/// key. Keys are lowercased in .NET at write time (Unicode-aware case folding, and no LIKE
/// wildcards to escape in user text). Texts of 3+ characters are narrowed by the FTS5 trigram
/// index first; shorter ones cannot use it and are tested row by row.
/// </summary>
public sealed class SqliteSearchText
{
    /// <summary>FTS5's trigram tokenizer indexes three characters at a time.</summary>
    public const int MinimumIndexedLength = 3;

    private SqliteSearchText(string key, bool indexed)
    {
        Key = key;
        Indexed = indexed;
        MatchExpression = indexed ? CoveringTrigrams(key) : "";
    }

    /// <summary>The lowercased text, compared by <c>instr</c> with the stored keys.</summary>
    public string Key { get; }

    /// <summary>Whether the trigram index narrows the candidates.</summary>
    public bool Indexed { get; }

    /// <summary>
    /// The FTS5 query: trigrams that cover the text (every third one, and the last), all of
    /// them present, in either key column. A row holding the text holds each of its trigrams, so
    /// no match is lost; the exact substring test that follows drops the few candidates that hold
    /// them elsewhere. Half as many doclists as the whole phrase, and no position lists to line up.
    /// </summary>
    public string MatchExpression { get; }

    /// <summary>The match rule for <paramref name="text"/>; null (everything) when it is empty.</summary>
    public static SqliteSearchText? For(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var key = text.ToLowerInvariant();
        var runes = 0;
        foreach (var _ in key.EnumerateRunes())
        {
            if (++runes >= MinimumIndexedLength)
            {
                break;
            }
        }
        return new SqliteSearchText(key, runes >= MinimumIndexedLength);
    }

    private static string CoveringTrigrams(string key)
    {
        var runes = key.EnumerateRunes().Select(r => r.ToString()).ToArray();
        var starts = new List<int>();
        for (var start = 0; start + MinimumIndexedLength <= runes.Length; start += MinimumIndexedLength)
        {
            starts.Add(start);
        }
        if (starts[^1] != runes.Length - MinimumIndexedLength)
        {
            starts.Add(runes.Length - MinimumIndexedLength);
        }
        var terms = starts.Select(start =>
            "\"" + string.Concat(runes.AsSpan(start, MinimumIndexedLength).ToArray()).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
        return "{NameKey DescriptionKey} : (" + string.Join(" AND ", terms) + ")";
    }
}

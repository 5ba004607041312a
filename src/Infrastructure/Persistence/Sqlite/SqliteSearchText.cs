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
        MatchExpression = indexed ? FirstAndLastTrigrams(key) : "";
    }

    /// <summary>The lowercased text, compared by <c>instr</c> with the stored keys.</summary>
    public string Key { get; }

    /// <summary>Whether the trigram index narrows the candidates.</summary>
    public bool Indexed { get; }

    /// <summary>
    /// The FTS5 query: the text's first and last trigrams, both present. A row holding the text
    /// holds each of its trigrams, so no match is lost; the exact substring test that follows
    /// drops the few candidates that hold the two apart. Each further trigram costs the index a
    /// doclist per segment and narrows little, and no column filter is needed (the index holds
    /// only the two key columns).
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

    private static string FirstAndLastTrigrams(string key)
    {
        var runes = key.EnumerateRunes().Select(r => r.ToString()).ToArray();
        var first = Term(runes[..MinimumIndexedLength]);
        return runes.Length == MinimumIndexedLength ? first : first + " AND " + Term(runes[^MinimumIndexedLength..]);
    }

    /// <summary>A trigram as an FTS5 string (double quotes doubled inside).</summary>
    private static string Term(string[] trigram) =>
        "\"" + string.Concat(trigram).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

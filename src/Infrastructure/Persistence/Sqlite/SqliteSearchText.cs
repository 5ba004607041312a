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

    private SqliteSearchText(string key, string? matchExpression)
    {
        Key = key;
        Indexed = matchExpression is not null;
        MatchExpression = matchExpression ?? "";
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
    /// only the two key columns). FTS5 reads its query as a C string, so a trigram holding a NUL
    /// would end the query inside a quoted term: the first and last trigrams without one are
    /// taken instead, and a text with no such trigram is not indexed.
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
        return new SqliteSearchText(key, FirstAndLastTrigrams(key));
    }

    private static string? FirstAndLastTrigrams(string key)
    {
        var runes = key.EnumerateRunes().Select(r => r.ToString()).ToArray();
        var starts = Enumerable.Range(0, Math.Max(0, runes.Length - MinimumIndexedLength + 1))
            .Where(start => !runes.AsSpan(start, MinimumIndexedLength).Contains("\0"))
            .ToArray();
        if (starts.Length == 0)
        {
            return null;
        }
        var first = Term(runes.AsSpan(starts[0], MinimumIndexedLength));
        return starts[^1] == starts[0] ? first : first + " AND " + Term(runes.AsSpan(starts[^1], MinimumIndexedLength));
    }

    /// <summary>A trigram as an FTS5 string (double quotes doubled inside).</summary>
    private static string Term(ReadOnlySpan<string> trigram) =>
        "\"" + string.Concat(trigram).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

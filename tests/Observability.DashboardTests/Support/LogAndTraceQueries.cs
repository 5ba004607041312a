using System.Text.RegularExpressions;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>Field and attribute names that LogQL and TraceQL queries refer to.</summary>
public static partial class LogAndTraceQueries
{
    /// <summary>Stream selector labels, label filters after a pipe, and by/without labels of a LogQL query.</summary>
    public static IReadOnlySet<string> LogQlFields(string query)
    {
        var text = StringLiteral().Replace(query, "\"\"");
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match selector in StreamSelector().Matches(text))
        {
            foreach (Match label in Matcher().Matches(selector.Value))
            {
                fields.Add(label.Groups["name"].Value);
            }
        }
        foreach (Match filter in LabelFilter().Matches(text))
        {
            fields.Add(filter.Groups["name"].Value);
        }
        foreach (Match grouping in Grouping().Matches(text))
        {
            foreach (var label in grouping.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                fields.Add(label);
            }
        }
        return fields;
    }

    /// <summary><c>span.x.y</c> attribute names of a TraceQL query.</summary>
    public static IReadOnlySet<string> SpanAttributes(string query) =>
        SpanAttribute().Matches(query).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary><c>resource.x.y</c> attribute names of a TraceQL query.</summary>
    public static IReadOnlySet<string> ResourceAttributes(string query) =>
        ResourceAttribute().Matches(query).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Values compared with the span name intrinsic: <c>name = "x"</c> or <c>name =~ "regex"</c>.</summary>
    public static IReadOnlyList<(bool IsRegex, string Value)> SpanNameConditions(string query) =>
        SpanName().Matches(query).Select(m => (m.Groups["op"].Value == "=~", Regex.Unescape(m.Groups["value"].Value))).ToList();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex StreamSelector();

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\|\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|==|=|>=|<=|>|<)")]
    private static partial Regex LabelFilter();

    [GeneratedRegex(@"\b(?:by|without)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![.\w])span\.(?<name>[A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_])")]
    private static partial Regex SpanAttribute();

    [GeneratedRegex(@"(?<![.\w])resource\.(?<name>[A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_])")]
    private static partial Regex ResourceAttribute();

    [GeneratedRegex("(?<![.\\w])name\\s*(?<op>=~|=)\\s*\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex SpanName();
}

/// <summary>
/// What the service's source says it emits: span attribute names set with SetTag, and span names
/// (operation spans, steps, repository spans). TraceQL queries may use only these.
/// </summary>
public static partial class EmittedBySource
{
    private static readonly Lazy<string> Source = new(() => string.Join('\n',
        Directory.EnumerateFiles(Repo.SourceDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)));

    public static IReadOnlySet<string> SpanAttributes =>
        SetTag().Matches(Source.Value).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> SpanNames =>
        SpanNameLiteral().Matches(Source.Value).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex("(?:SetTag|AddTag)\\(\"(?<name>[^\"]+)\"")]
    private static partial Regex SetTag();

    [GeneratedRegex("(?:\\[Operation|StartStep|StartActivity|Start)\\(\"(?<name>[a-z_][a-z0-9_.]*)\"")]
    private static partial Regex SpanNameLiteral();
}

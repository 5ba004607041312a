using System.Text.RegularExpressions;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>
/// Just enough PromQL to find the metric and label names an expression refers to, and to turn a
/// dashboard query into one Prometheus can run (Grafana variables replaced).
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
        ["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2"];

    /// <summary>
    /// Grafana variables as the live test runs them: every template variable matches everything;
    /// windows are 5m so that a query run some seconds after the load still sees all of it.
    /// </summary>
    public static string Substitute(string query) =>
        GrafanaVariable().Replace(query
            .Replace("$__rate_interval", "5m", StringComparison.Ordinal)
            .Replace("$__interval", "1m", StringComparison.Ordinal)
            .Replace("$__range", "5m", StringComparison.Ordinal)
            .Replace("$__tags", "job=~\".*\"", StringComparison.Ordinal), ".*");

    /// <summary><c>label_values(selector, label)</c> (a variable query) becomes its selector.</summary>
    public static string Runnable(string query)
    {
        var substituted = Substitute(query);
        var labelValues = LabelValues().Match(substituted);
        return labelValues.Success ? labelValues.Groups["selector"].Value : substituted;
    }

    public static IReadOnlySet<string> MetricNames(string query)
    {
        var text = Runnable(query);
        text = StringLiteral().Replace(text, "\"\"");
        text = Matchers().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Identifier().Matches(text))
        {
            var rest = text[(match.Index + match.Length)..];
            if (Keywords.Contains(match.Value) || rest.TrimStart().StartsWith('('))
            {
                continue;
            }
            names.Add(match.Value);
        }
        return names;
    }

    /// <summary>
    /// Metric names selected by a <c>__name__</c> matcher (<c>{__name__=~"a(_total)?"}</c>), as
    /// written: the exact name for <c>=</c>, the (fully anchored) regex for <c>=~</c>.
    /// </summary>
    public static IReadOnlyList<(bool IsRegex, string Value)> NameMatchers(string query)
    {
        var found = new List<(bool, string)>();
        foreach (Match matchers in Matchers().Matches(Runnable(query)))
        {
            foreach (Match name in NameMatcher().Matches(matchers.Value))
            {
                found.Add((name.Groups["op"].Value == "=~", name.Groups["value"].Value.Replace("\\\\", "\\", StringComparison.Ordinal)));
            }
        }
        return found;
    }

    /// <summary>Label names in matchers (but <c>__name__</c>) and in by/without/on/ignoring/group_* clauses.</summary>
    public static IReadOnlySet<string> LabelNames(string query)
    {
        var text = StringLiteral().Replace(Runnable(query), "\"\"");
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match matchers in Matchers().Matches(text))
        {
            foreach (Match label in MatcherLabel().Matches(matchers.Value))
            {
                if (label.Groups["label"].Value != "__name__")
                {
                    labels.Add(label.Groups["label"].Value);
                }
            }
        }
        foreach (Match grouping in Grouping().Matches(text))
        {
            foreach (var label in grouping.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                labels.Add(label);
            }
        }
        return labels;
    }

    /// <summary>Labels a <c>label_replace(v, "dst", "replacement", "src", "regex")</c> in the query writes.</summary>
    public static IReadOnlySet<string> CreatedLabels(string query) =>
        LabelReplaceTail().Matches(query).Select(m => m.Groups["dst"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Label names in by/without/on/ignoring/group_* clauses only: what an aggregation keeps.</summary>
    public static IReadOnlySet<string> GroupingLabels(string query)
    {
        var text = StringLiteral().Replace(Runnable(query), "\"\"");
        return Grouping().Matches(text)
            .SelectMany(g => g.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The expression without its threshold comparisons (<c>&gt; 0.05</c>): the series an alert watches.</summary>
    public static string WithoutThresholds(string expr) => Threshold().Replace(expr, "").Trim();

    [GeneratedRegex(@"\$\{?[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?\}?")]
    private static partial Regex GrafanaVariable();

    [GeneratedRegex(@"^\s*label_values\(\s*(?<selector>.+?)\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", RegexOptions.Singleline)]
    private static partial Regex LabelValues();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex MatcherLabel();

    [GeneratedRegex("__name__\\s*(?<op>=~|=)\\s*\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex NameMatcher();

    // The last four arguments of label_replace: "dst", "replacement", "src", "regex".
    [GeneratedRegex(",\\s*\"(?<dst>[A-Za-z_][A-Za-z0-9_]*)\"\\s*,\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*,\\s*\"[A-Za-z_][A-Za-z0-9_]*\"\\s*,\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\)")]
    private static partial Regex LabelReplaceTail();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.:])[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\s*(?:>=|<=|==|!=|>|<)\s*(?:bool\s+)?-?[0-9]+(?:\.[0-9]+)?(?=\s*(?:\)|$))")]
    private static partial Regex Threshold();
}

using System.Text.RegularExpressions;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>The sample names of a Prometheus text exposition, each with the label names it carries, and the families' types.</summary>
public static partial class MetricsExposition
{
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Parse(string text)
    {
        var metrics = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var match = Sample().Match(line);
            if (!match.Success)
            {
                throw new FormatException("Not a sample line: " + line);
            }
            var labels = metrics.TryGetValue(match.Groups["name"].Value, out var known) ? known : metrics[match.Groups["name"].Value] = [];
            foreach (Match label in Label().Matches(match.Groups["labels"].Value))
            {
                labels.Add(label.Groups["label"].Value);
            }
        }
        return metrics.ToDictionary(m => m.Key, m => (IReadOnlySet<string>)m.Value, StringComparer.Ordinal);
    }

    /// <summary>Family name to its <c># TYPE</c> (counter, gauge, histogram, ...).</summary>
    public static IReadOnlyDictionary<string, string> Types(string text) =>
        text.Split('\n').Select(line => TypeLine().Match(line.Trim())).Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^# TYPE (?<name>[A-Za-z_:][A-Za-z0-9_:]*) (?<type>[a-z]+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?:\{(?<labels>.*)\})?\s+\S+")]
    private static partial Regex Sample();

    [GeneratedRegex("(?<label>[A-Za-z_][A-Za-z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Label();
}

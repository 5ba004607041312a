using System.Globalization;
using System.Text.RegularExpressions;

namespace CrudCqrs.TestSupport;

/// <summary>One sample line of a Prometheus text exposition: its name, its labels (values unescaped) and its value.</summary>
public sealed record ExpositionSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Reads a Prometheus text exposition (what <c>/metrics</c> answers): its samples, the sample
/// names with the label names each carries, and the families' types. A line that is neither a
/// comment nor a sample fails the read rather than being skipped.
/// </summary>
public static partial class MetricsExposition
{
    public static IReadOnlyList<ExpositionSample> Samples(string text)
    {
        var samples = new List<ExpositionSample>();
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
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups["label"].Value] = Unescape(label.Groups["value"].Value);
            }
            samples.Add(new ExpositionSample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }
        return samples;
    }

    /// <summary>Each sample name with every label name seen on it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Parse(string text) =>
        Samples(text).GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(
            g => g.Key, g => (IReadOnlySet<string>)g.SelectMany(s => s.Labels.Keys).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every one of <paramref name="labels"/>.</summary>
    public static double Sum(string text, string name, params (string Name, string Value)[] labels) =>
        Samples(text).Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var value) && value == l.Value)).Sum(s => s.Value);

    /// <summary>Family name to its <c># TYPE</c> (counter, gauge, histogram, ...).</summary>
    public static IReadOnlyDictionary<string, string> Types(string text) =>
        text.Split('\n').Select(line => TypeLine().Match(line.Trim())).Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);

    private static double ParseValue(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Unescape(string value) =>
        Escape().Replace(value, m => m.Groups["c"].Value == "n" ? "\n" : m.Groups["c"].Value);

    [GeneratedRegex(@"\\(?<c>.)")]
    private static partial Regex Escape();

    [GeneratedRegex(@"^# TYPE (?<name>[A-Za-z_:][A-Za-z0-9_:]*) (?<type>[a-z]+)$")]
    private static partial Regex TypeLine();

    // The value may be followed by a timestamp and, in OpenMetrics, by " # {trace_id=...} value" (an exemplar).
    [GeneratedRegex(@"^(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?:\{(?<labels>(?:[^""}]|""(?:[^""\\]|\\.)*"")*)\})?\s+(?<value>[-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))(?:\s+-?[0-9]+)?(?:\s+#.*)?$")]
    private static partial Regex Sample();

    [GeneratedRegex("(?<label>[A-Za-z_][A-Za-z0-9_]*)=\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Label();
}

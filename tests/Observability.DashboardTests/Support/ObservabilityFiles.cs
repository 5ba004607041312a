using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>One query of a dashboard panel (or a variable), with where it came from for messages.</summary>
public sealed record DashboardQuery(string Dashboard, string Panel, string DatasourceType, string DatasourceUid, string Text)
{
    public override string ToString() => $"{Dashboard} / {Panel}: {Text}";
}

/// <summary>An alert rule as written in a Prometheus rule file.</summary>
public sealed record AlertRule(string Name, string Expr, string For, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>The component the alert is about (its <c>service</c> label).</summary>
    public string Service => Labels.TryGetValue("service", out var service) ? service : "";
}

/// <summary>A recording rule: the series <see cref="Name"/> is <see cref="Expr"/>, with <see cref="Labels"/> added.</summary>
public sealed record RecordingRule(string Name, string Expr, IReadOnlyDictionary<string, string> Labels);

/// <summary>Reads the checked-in dashboards, datasources and Prometheus rules.</summary>
public static class ObservabilityFiles
{
    public static IReadOnlyList<string> DashboardFiles =>
        Directory.GetFiles(Repo.DashboardsDirectory, "*.json").Order(StringComparer.Ordinal).ToList();

    public static JsonObject LoadDashboard(string file) =>
        JsonNode.Parse(File.ReadAllText(file))?.AsObject() ?? throw new InvalidDataException(file + " is not a JSON object");

    /// <summary>Every panel, panels nested in collapsed rows included.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        foreach (var panel in dashboard["panels"]?.AsArray() ?? [])
        {
            var panelObject = panel!.AsObject();
            yield return panelObject;
            foreach (var nested in panelObject["panels"]?.AsArray() ?? [])
            {
                yield return nested!.AsObject();
            }
        }
    }

    /// <summary>Datasource uid of a target, falling back to its panel's.</summary>
    public static (string Type, string Uid) Datasource(JsonObject panel, JsonObject? target)
    {
        var datasource = target?["datasource"] as JsonObject ?? panel["datasource"] as JsonObject;
        return ((string?)datasource?["type"] ?? "", (string?)datasource?["uid"] ?? "");
    }

    /// <summary>Panel types that show no query result: layout, text, and Grafana's own alert list.</summary>
    public static readonly IReadOnlySet<string> PanelTypesWithoutQueries = new HashSet<string>(StringComparer.Ordinal) { "row", "text", "alertlist" };

    /// <summary>Annotation queries of a dashboard (Grafana's built-in "Annotations &amp; Alerts" has none).</summary>
    public static IReadOnlyList<(JsonObject Annotation, DashboardQuery Query)> Annotations(string file)
    {
        var name = Path.GetFileName(file);
        return (LoadDashboard(file)["annotations"]?["list"]?.AsArray() ?? [])
            .Select(a => a!.AsObject())
            .Select(a => (Annotation: a, Text: (string?)a["expr"] ?? (string?)a["target"]?["expr"]))
            .Where(a => !string.IsNullOrWhiteSpace(a.Text))
            .Select(a =>
            {
                var (type, uid) = Datasource(a.Annotation, null);
                return (a.Annotation, new DashboardQuery(name, "annotation " + (string?)a.Annotation["name"], type, uid, a.Text!));
            })
            .ToList();
    }

    public static IReadOnlyList<DashboardQuery> AnnotationQueries() =>
        DashboardFiles.SelectMany(f => Annotations(f)).Select(a => a.Query).ToList();

    public static IReadOnlyList<DashboardQuery> AllQueries()
    {
        var queries = new List<DashboardQuery>();
        foreach (var file in DashboardFiles)
        {
            var dashboard = LoadDashboard(file);
            var name = Path.GetFileName(file);
            foreach (var panel in Panels(dashboard))
            {
                foreach (var target in panel["targets"]?.AsArray() ?? [])
                {
                    var targetObject = target!.AsObject();
                    var (type, uid) = Datasource(panel, targetObject);
                    var text = (string?)targetObject["expr"] ?? (string?)targetObject["query"];
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        queries.Add(new DashboardQuery(name, (string?)panel["title"] ?? "?", type, uid, text));
                    }
                }
            }
            foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
            {
                var variableObject = variable!.AsObject();
                if ((string?)variableObject["type"] != "query")
                {
                    continue;
                }
                var (type, uid) = Datasource(variableObject, null);
                var text = (string?)variableObject["query"]?["query"] ?? (string?)variableObject["definition"];
                queries.Add(new DashboardQuery(name, "variable " + (string?)variableObject["name"], type, uid, text ?? ""));
            }
        }
        return queries;
    }

    public static IReadOnlyList<DashboardQuery> PromQlQueries() =>
        AllQueries().Where(q => q.DatasourceType == "prometheus").ToList();

    public static YamlMappingNode LoadYaml(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static IReadOnlyList<(string Name, string Uid, string Type, YamlMappingNode Node)> Datasources() =>
        ((YamlSequenceNode)LoadYaml(Repo.DatasourcesFile)["datasources"]).Children.Cast<YamlMappingNode>()
            .Select(d => (Scalar(d, "name"), Scalar(d, "uid"), Scalar(d, "type"), d)).ToList();

    /// <summary>PromQL the Tempo datasource runs for "trace to metrics" links.</summary>
    public static IReadOnlyList<string> TraceToMetricsQueries() =>
        Datasources().Where(d => d.Type == "tempo")
            .SelectMany(d => d.Node.Children.TryGetValue("jsonData", out var json)
                && ((YamlMappingNode)json).Children.TryGetValue("tracesToMetrics", out var t2m)
                && ((YamlMappingNode)t2m).Children.TryGetValue("queries", out var queries)
                ? ((YamlSequenceNode)queries).Children.Cast<YamlMappingNode>().Select(q => Unescape(Scalar(q, "query")))
                : [])
            .ToList();

    public static IReadOnlyList<AlertRule> PrometheusAlertRules(string? file = null) =>
        RuleNodes(file).Where(rule => rule.Children.ContainsKey("alert"))
            .Select(rule => new AlertRule(Scalar(rule, "alert"), Scalar(rule, "expr"), Scalar(rule, "for"), Map(rule, "labels"), Map(rule, "annotations")))
            .ToList();

    public static IReadOnlyList<RecordingRule> PrometheusRecordingRules() =>
        RuleNodes(null).Where(rule => rule.Children.ContainsKey("record"))
            .Select(rule => new RecordingRule(Scalar(rule, "record"), Scalar(rule, "expr"), Map(rule, "labels")))
            .ToList();

    private static IEnumerable<YamlMappingNode> RuleNodes(string? file) =>
        (file is null ? Repo.RuleFiles : [file])
            .SelectMany(f => ((YamlSequenceNode)LoadYaml(f)["groups"]).Children.Cast<YamlMappingNode>())
            .SelectMany(group => ((YamlSequenceNode)group["rules"]).Children.Cast<YamlMappingNode>());

    public static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value ?? "" : "";

    /// <summary>Grafana expands $VAR in provisioning files; $$ is a literal $.</summary>
    public static string Unescape(string text) => text.Replace("$$", "$", StringComparison.Ordinal);

    private static IReadOnlyDictionary<string, string> Map(YamlMappingNode rule, string key) =>
        rule.Children.TryGetValue(key, out var map)
            ? ((YamlMappingNode)map).Children.ToDictionary(l => ((YamlScalarNode)l.Key).Value!, l => ((YamlScalarNode)l.Value).Value ?? "")
            : new Dictionary<string, string>();
}

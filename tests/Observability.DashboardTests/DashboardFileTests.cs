using System.Text.Json;
using System.Text.Json.Nodes;
using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>The dashboard files and their provisioning, without a running service.</summary>
public class DashboardFileTests
{
    public static TheoryData<string> Dashboards()
    {
        var data = new TheoryData<string>();
        foreach (var file in ObservabilityFiles.DashboardFiles)
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void The_five_dashboards_of_the_design_are_shipped_with_distinct_uids()
    {
        var names = ObservabilityFiles.DashboardFiles.Select(Path.GetFileName).ToList();
        Assert.Equal(
            ["crud-operations-overview.json", "distributed-tracing.json", "error-analysis.json", "logs-correlation.json", "performance-analysis.json"],
            names);
        var uids = ObservabilityFiles.DashboardFiles.Select(f => (string?)ObservabilityFiles.LoadDashboard(f)["uid"]).ToList();
        Assert.All(uids, uid => Assert.False(string.IsNullOrWhiteSpace(uid)));
        Assert.Equal(uids.Count, uids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_is_valid_json_with_unique_panel_ids_and_queries_on_every_panel(string file)
    {
        var text = File.ReadAllText(Path.Combine(Repo.DashboardsDirectory, file));
        using var strict = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        var dashboard = JsonNode.Parse(text)!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace((string?)dashboard["title"]));

        var panels = ObservabilityFiles.Panels(dashboard).ToList();
        Assert.NotEmpty(panels);
        var ids = panels.Select(p => (int?)p["id"]).ToList();
        Assert.All(ids, id => Assert.NotNull(id));
        var duplicates = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{file}: duplicate panel ids {string.Join(", ", duplicates)}");

        foreach (var panel in panels.Where(p => (string?)p["type"] != "row"))
        {
            var targets = panel["targets"]?.AsArray() ?? [];
            Assert.True(targets.Count > 0, $"{file} / {panel["title"]}: a panel without queries");
            var refIds = targets.Select(t => (string?)t!["refId"]).ToList();
            Assert.Equal(refIds.Count, refIds.Distinct().Count());
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Panels_fit_the_24_column_grid_without_overlapping(string file)
    {
        var dashboard = ObservabilityFiles.LoadDashboard(Path.Combine(Repo.DashboardsDirectory, file));
        var boxes = ObservabilityFiles.Panels(dashboard).Select(p => (
            Title: (string?)p["title"],
            X: (int)p["gridPos"]!["x"]!, Y: (int)p["gridPos"]!["y"]!, W: (int)p["gridPos"]!["w"]!, H: (int)p["gridPos"]!["h"]!)).ToList();
        Assert.All(boxes, b => Assert.True(b.X >= 0 && b.W > 0 && b.H > 0 && b.X + b.W <= 24, $"{file} / {b.Title}: outside the grid"));
        foreach (var (first, i) in boxes.Select((b, i) => (b, i)))
        {
            foreach (var second in boxes.Skip(i + 1))
            {
                var overlap = first.X < second.X + second.W && second.X < first.X + first.W
                    && first.Y < second.Y + second.H && second.Y < first.Y + first.H;
                Assert.False(overlap, $"{file}: '{first.Title}' overlaps '{second.Title}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_datasource_a_dashboard_uses_is_provisioned_with_that_uid_and_type(string file)
    {
        var provisioned = ObservabilityFiles.Datasources().ToDictionary(d => d.Uid, d => d.Type);
        var dashboard = ObservabilityFiles.LoadDashboard(Path.Combine(Repo.DashboardsDirectory, file));
        var used = new List<(string Where, string Type, string Uid)>();
        foreach (var panel in ObservabilityFiles.Panels(dashboard).Where(p => (string?)p["type"] != "row"))
        {
            var (type, uid) = ObservabilityFiles.Datasource(panel, null);
            used.Add(($"panel {panel["title"]}", type, uid));
            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                var (targetType, targetUid) = ObservabilityFiles.Datasource(panel, target!.AsObject());
                used.Add(($"panel {panel["title"]} target {target["refId"]}", targetType, targetUid));
            }
        }
        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if (variable!["datasource"] is JsonObject)
            {
                var (type, uid) = ObservabilityFiles.Datasource(variable.AsObject(), null);
                used.Add(($"variable {variable["name"]}", type, uid));
            }
        }
        Assert.NotEmpty(used);
        foreach (var (where, type, uid) in used)
        {
            Assert.True(provisioned.TryGetValue(uid, out var provisionedType), $"{file} {where}: datasource uid '{uid}' is not provisioned");
            Assert.Equal(provisionedType, type);
        }
    }

    [Fact]
    public void Datasources_have_fixed_uids_and_link_traces_logs_and_metrics()
    {
        var datasources = ObservabilityFiles.Datasources().ToDictionary(d => d.Type);
        Assert.Equal("prometheus", datasources["prometheus"].Uid);
        Assert.Equal("tempo", datasources["tempo"].Uid);
        Assert.Equal("loki", datasources["loki"].Uid);
        var text = File.ReadAllText(Repo.DatasourcesFile);
        // Exemplars and log lines open traces; spans open their logs by trace id.
        Assert.Contains("exemplarTraceIdDestinations", text);
        Assert.Contains("matcherRegex: trace_id", text);
        Assert.Contains("tracesToLogsV2", text);
        Assert.Contains("trace_id=\"$${__trace.traceId}\"", text);
        var linkedUids = YamlValues(text, "datasourceUid");
        Assert.All(linkedUids, uid => Assert.Contains(uid, datasources.Values.Select(d => d.Uid)));
    }

    private static IEnumerable<string> YamlValues(string text, string key) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Select(l => l[(key.Length + 1)..].Trim()).ToList();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>The dashboard files and their provisioning, without a running service.</summary>
public partial class DashboardFileTests
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
    public void The_five_dashboards_of_the_design_and_the_objectives_dashboard_are_shipped_with_distinct_uids()
    {
        var names = ObservabilityFiles.DashboardFiles.Select(Path.GetFileName).ToList();
        Assert.Equal(
            ["crud-operations-overview.json", "distributed-tracing.json", "error-analysis.json", "logs-correlation.json", "performance-analysis.json", "service-objectives.json"],
            names);
        var uids = ObservabilityFiles.DashboardFiles.Select(f => (string?)ObservabilityFiles.LoadDashboard(f)["uid"]).ToList();
        // Alert annotations (`dashboard: /d/<uid>`) and runbooks open dashboards by these uids.
        Assert.Equal(
            ["crudcqrs-errors", "crudcqrs-logs", "crudcqrs-overview", "crudcqrs-performance", "crudcqrs-slo", "crudcqrs-tracing"],
            uids.Order());
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

        foreach (var panel in panels.Where(p => !ObservabilityFiles.PanelTypesWithoutQueries.Contains((string?)p["type"] ?? "")))
        {
            var targets = panel["targets"]?.AsArray() ?? [];
            Assert.True(targets.Count > 0, $"{file} / {panel["title"]}: a panel without queries");
            var refIds = targets.Select(t => (string?)t!["refId"]).ToList();
            Assert.Equal(refIds.Count, refIds.Distinct().Count());
        }
        foreach (var textPanel in panels.Where(p => (string?)p["type"] == "text"))
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)textPanel["options"]?["content"]), $"{file} / {textPanel["title"]}: an empty text panel");
        }
        foreach (var alertList in panels.Where(p => (string?)p["type"] == "alertlist"))
        {
            // Grafana's alert list names its rule source by datasource name: the Prometheus rules
            // (the product's one evaluation path), not Grafana-managed ones.
            var prometheus = ObservabilityFiles.Datasources().Single(d => d.Uid == "prometheus");
            Assert.Equal(prometheus.Name, (string?)alertList["options"]?["datasource"]);
            Assert.True((bool?)alertList["options"]?["stateFilter"]?["firing"], $"{file} / {alertList["title"]}: does not list firing alerts");
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
        foreach (var panel in ObservabilityFiles.Panels(dashboard).Where(p => !ObservabilityFiles.PanelTypesWithoutQueries.Contains((string?)p["type"] ?? "")))
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
        foreach (var (_, query) in ObservabilityFiles.Annotations(Path.Combine(Repo.DashboardsDirectory, file)))
        {
            used.Add((query.Panel, query.DatasourceType, query.DatasourceUid));
        }
        Assert.NotEmpty(used);
        foreach (var (where, type, uid) in used)
        {
            Assert.True(provisioned.TryGetValue(uid, out var provisionedType), $"{file} {where}: datasource uid '{uid}' is not provisioned");
            Assert.Equal(provisionedType, type);
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_links_to_the_other_dashboards_and_to_the_runbooks_index(string file)
    {
        var dashboard = ObservabilityFiles.LoadDashboard(Path.Combine(Repo.DashboardsDirectory, file));
        // The tag dropdown lists every dashboard with the tag, this one's siblings included.
        Assert.Contains("crudcqrs", dashboard["tags"]!.AsArray().Select(t => (string?)t));
        var links = dashboard["links"]!.AsArray().Select(l => l!.AsObject()).ToList();
        Assert.Contains(links, l => (string?)l["type"] == "dashboards" && l["tags"]!.AsArray().Any(t => (string?)t == "crudcqrs"));
        var runbooks = Assert.Single(links, l => (string?)l["type"] == "link" && (string?)l["title"] == "Runbooks");
        Assert.Equal(RunbookIndex, (string?)runbooks["url"]);
    }

    [Theory]
    [InlineData("crud-operations-overview.json")]
    [InlineData("performance-analysis.json")]
    [InlineData("service-objectives.json")]
    public void Dashboard_marks_deploys_from_target_info(string file)
    {
        var path = Path.Combine(Repo.DashboardsDirectory, file);
        var (annotation, query) = Assert.Single(ObservabilityFiles.Annotations(path), a => (string?)a.Annotation["name"] == "Deploys");
        Assert.True((bool?)annotation["enable"]);
        Assert.Equal(("prometheus", "prometheus"), (query.DatasourceType, query.DatasourceUid));
        Assert.Equal(["target_info"], PromQl.MetricNames(query.Text));
        Assert.Contains("{{service_version}}", (string?)annotation["titleFormat"]);
        Assert.Contains("{{service_instance_id}}", (string?)annotation["textFormat"]);
    }

    [Fact]
    public void The_objectives_dashboard_shows_objective_sli_budget_and_burn_rates_with_the_alert_thresholds()
    {
        var dashboard = ObservabilityFiles.LoadDashboard(Path.Combine(Repo.DashboardsDirectory, "service-objectives.json"));
        Assert.Equal("crudcqrs-slo", (string?)dashboard["uid"]);
        Assert.Equal("CrudCqrs / Service objectives", (string?)dashboard["title"]);
        var panels = ObservabilityFiles.Panels(dashboard).ToDictionary(p => (string)p["title"]!);
        foreach (var (objective, target) in new[] { ("Availability", "99.9 %"), ("Read latency", "0.1 s"), ("Write latency", "0.25 s") })
        {
            Assert.Contains(panels.Keys, t => t.StartsWith(objective + ": objective", StringComparison.Ordinal) && t.Contains(target, StringComparison.Ordinal));
            Assert.Equal("stat", (string?)panels[$"{objective}: SLI (30 days)"]["type"]);
            // The panels read the objectives' recording rules, so the rules file stays their one definition.
            Assert.Contains("slo:sli_error:ratio_rate30d", Expressions(panels[$"{objective}: SLI (30 days)"]).Single());
            Assert.Contains("slo:period_error_budget_remaining:ratio", Expressions(panels[$"{objective}: error budget remaining"]).Single());

            var burnRate = panels[$"{objective}: burn rate"];
            var windows = Expressions(burnRate).Select(e => string.Join(",", Window().Matches(e).Select(m => m.Groups[1].Value).Distinct())).ToList();
            Assert.Equal(["5m", "30m", "1h", "2h", "6h", "1d", "3d"], windows);
            var thresholds = burnRate["fieldConfig"]!["defaults"]!["thresholds"]!["steps"]!.AsArray().Select(s => (double?)s!["value"]).OfType<double>();
            Assert.Equal([1, 3, 6, 14.4], thresholds);
            Assert.StartsWith("line", (string?)burnRate["fieldConfig"]!["defaults"]!["custom"]!["thresholdsStyle"]!["mode"]);
        }
        Assert.Equal("alertlist", (string?)panels["Firing alerts"]["type"]);
    }

    [Fact]
    public void The_overview_has_http_level_red_beside_the_operation_panels()
    {
        var dashboard = ObservabilityFiles.LoadDashboard(Path.Combine(Repo.DashboardsDirectory, "crud-operations-overview.json"));
        var panels = ObservabilityFiles.Panels(dashboard).ToDictionary(p => (string)p["title"]!);
        Assert.Superset(new HashSet<string> { "Request rate", "Latency percentiles", "Error rate" }, panels.Keys.ToHashSet());
        foreach (var title in new[] { "HTTP requests by status class", "HTTP 5xx by route", "HTTP 401 / 403 / 429", "HTTP p95 latency by route" })
        {
            Assert.All(Expressions(panels[title]), e => Assert.Contains("http_server_request_duration_seconds_", e));
        }
        var refused = string.Join(" ", Expressions(panels["HTTP 401 / 403 / 429"]));
        Assert.All(new[] { "\"401\"", "\"403\"", "\"429\"" }, code => Assert.Contains(code, refused));
        Assert.Contains("\"5..\"", Expressions(panels["HTTP 5xx by route"]).Single());
    }

    [Theory]
    [InlineData("error-analysis.json", new[] { "HighCRUDErrorRate", "SlowCRUDOperations", "CircularDependencyDetected", "DatabaseConnectionFailures", "OTLPExportFailures" })]
    [InlineData("service-objectives.json", new[] { "CrudApiAvailabilityBurnRateHigh", "CrudApiAvailabilityBurnRateLow", "CrudApiReadLatencyBurnRateHigh", "CrudApiReadLatencyBurnRateLow", "CrudApiWriteLatencyBurnRateHigh", "CrudApiWriteLatencyBurnRateLow" })]
    public void Dashboard_names_the_runbooks_of_its_alerts(string file, string[] alerts)
    {
        var dashboard = ObservabilityFiles.LoadDashboard(Path.Combine(Repo.DashboardsDirectory, file));
        var text = string.Join("\n", ObservabilityFiles.Panels(dashboard).Where(p => (string?)p["type"] == "text").Select(p => (string?)p["options"]?["content"]));
        var runbooks = RunbookPath().Matches(text).Select(m => m.Groups["alert"].Value).ToHashSet();
        Assert.Superset(alerts.ToHashSet(), runbooks);
        Assert.All(runbooks, alert => Assert.True(File.Exists(Path.Combine(Repo.RunbooksDirectory, alert + ".md")), $"{file} names docs/runbooks/{alert}.md, which does not exist"));
        Assert.Contains(RunbookIndex, text);
    }

    private const string RunbookIndex = "docs/runbooks/README.md";

    private static IEnumerable<string> Expressions(JsonObject panel) =>
        panel["targets"]!.AsArray().Select(t => (string)t!["expr"]!);

    [GeneratedRegex(@"slo:sli_error:ratio_rate([0-9]+[smhdw])")]
    private static partial Regex Window();

    [GeneratedRegex(@"\(docs/runbooks/(?<alert>[A-Za-z0-9]+)\.md\)")]
    private static partial Regex RunbookPath();

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

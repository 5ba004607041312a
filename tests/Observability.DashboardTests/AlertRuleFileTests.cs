using System.Text.RegularExpressions;
using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// The Prometheus rule files: the design's alerts keep their names and severities, every alert
/// can be routed (notify, service) and leads somewhere (runbook_url, dashboard), and Prometheus
/// is the one evaluation path.
/// </summary>
public partial class AlertRuleFileTests
{
    private static readonly string[] DesignAlerts =
        ["HighCRUDErrorRate", "SlowCRUDOperations", "CircularDependencyDetected", "DatabaseConnectionFailures", "OTLPExportFailures"];

    private static readonly string[] BurnRateAlerts =
    [
        "CrudApiAvailabilityBurnRateHigh", "CrudApiAvailabilityBurnRateLow",
        "CrudApiReadLatencyBurnRateHigh", "CrudApiReadLatencyBurnRateLow",
        "CrudApiWriteLatencyBurnRateHigh", "CrudApiWriteLatencyBurnRateLow",
    ];

    private static readonly string[] Services = ["crudcqrs-api", "otel-collector", "tempo", "loki", "prometheus"];

    public static TheoryData<string> Alerts()
    {
        var data = new TheoryData<string>();
        foreach (var rule in ObservabilityFiles.PrometheusAlertRules())
        {
            data.Add(rule.Name);
        }
        return data;
    }

    [Fact]
    public void The_five_alerts_of_the_design_keep_their_severities_and_notify_as_tickets()
    {
        var rules = ObservabilityFiles.PrometheusAlertRules().ToDictionary(r => r.Name);
        var expected = new Dictionary<string, string>
        {
            ["HighCRUDErrorRate"] = "warning",
            ["SlowCRUDOperations"] = "warning",
            ["CircularDependencyDetected"] = "critical",
            ["DatabaseConnectionFailures"] = "critical",
            ["OTLPExportFailures"] = "warning",
        };
        foreach (var (name, severity) in expected)
        {
            Assert.True(rules.ContainsKey(name), $"{name} is missing");
            Assert.Equal(severity, rules[name].Labels["severity"]);
            Assert.Equal("ticket", rules[name].Labels["notify"]);
        }
    }

    [Fact]
    public void Pages_come_from_burn_rates_and_liveness_and_every_objective_has_a_fast_and_a_slow_burn_alert()
    {
        var rules = ObservabilityFiles.PrometheusAlertRules().ToDictionary(r => r.Name);
        Assert.Superset(BurnRateAlerts.ToHashSet(), rules.Keys.ToHashSet());
        foreach (var name in BurnRateAlerts)
        {
            Assert.Equal(name.EndsWith("High", StringComparison.Ordinal) ? "page" : "ticket", rules[name].Labels["notify"]);
            Assert.Contains(rules[name].Labels["slo"], new[] { "availability", "read-latency", "write-latency" });
        }
        var pages = rules.Values.Where(r => r.Labels["notify"] == "page").Select(r => r.Name).Order().ToList();
        Assert.Equal(["CrudApiAvailabilityBurnRateHigh", "CrudApiDown", "CrudApiReadLatencyBurnRateHigh", "CrudApiWriteLatencyBurnRateHigh", "OtelCollectorDown"], pages);
        Assert.DoesNotContain(DesignAlerts, pages.Contains);
    }

    [Theory]
    [MemberData(nameof(Alerts))]
    public void Alert_can_be_routed_and_links_to_its_runbook_and_a_dashboard(string alert)
    {
        var rule = ObservabilityFiles.PrometheusAlertRules().Single(r => r.Name == alert);
        Assert.Contains(rule.Labels["severity"], new[] { "warning", "critical" });
        Assert.Contains(rule.Labels["notify"], new[] { "page", "ticket" });
        Assert.Contains(rule.Service, Services);
        Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("summary")), "summary");
        Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("description")), "description");
        Assert.False(rule.Annotations.ContainsKey("runbook"), "the old `runbook` annotation pointed at a summary table; runbook_url replaces it");

        Assert.Equal($"docs/runbooks/{alert}.md", rule.Annotations["runbook_url"]);
        Assert.True(File.Exists(Path.Combine(Repo.Root, rule.Annotations["runbook_url"])), rule.Annotations["runbook_url"] + " does not exist");

        var dashboard = DashboardPath().Match(rule.Annotations["dashboard"]);
        Assert.True(dashboard.Success, $"dashboard annotation '{rule.Annotations["dashboard"]}' is not /d/<uid>");
        var uids = ObservabilityFiles.DashboardFiles.Select(f => (string?)ObservabilityFiles.LoadDashboard(f)["uid"]);
        Assert.Contains(dashboard.Groups["uid"].Value, uids);
    }

    [Fact]
    public void Every_alert_has_a_threshold_the_live_test_can_strip()
    {
        foreach (var rule in ObservabilityFiles.PrometheusAlertRules())
        {
            Assert.NotEqual(Normalize(rule.Expr), Normalize(PromQl.WithoutThresholds(rule.Expr)));
            Assert.DoesNotMatch(@"(>|<|==)\s*[0-9]", PromQl.WithoutThresholds(rule.Expr));
        }
    }

    [Fact]
    public void Prometheus_is_the_one_evaluation_path_grafana_provisions_no_alert_rules()
    {
        var provisioning = Directory.GetFiles(Repo.GrafanaProvisioningDirectory, "*.y*ml", SearchOption.AllDirectories);
        Assert.DoesNotContain(provisioning, f => Path.GetFileName(Path.GetDirectoryName(f)) == "alerting");
        Assert.All(provisioning, f => Assert.DoesNotContain("alertRule", File.ReadAllText(f), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_slo_recording_rules_cover_every_window_the_alerts_use_for_every_objective()
    {
        var recorded = ObservabilityFiles.PrometheusRecordingRules()
            .Select(r => (r.Name, Slo: r.Labels.GetValueOrDefault("slo", ""))).ToHashSet();
        foreach (var slo in new[] { "availability", "read-latency", "write-latency" })
        {
            foreach (var window in new[] { "5m", "30m", "1h", "2h", "6h", "1d", "3d" })
            {
                Assert.Contains(($"slo:sli_error:ratio_rate{window}", slo), recorded);
                Assert.Contains(($"slo:sli_requests:rate{window}", slo), recorded);
            }
            Assert.Contains(("slo:objective:ratio", slo), recorded);
            Assert.Contains(("slo:error_budget:ratio", slo), recorded);
        }
        var names = recorded.Select(r => r.Name).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "slo:current_burn_rate:ratio", "slo:period_error_budget_remaining:ratio",
                "job_route_method_code:http_server_requests:rate5m", "job_route:http_server_request_duration_seconds:p95_5m",
                "job_operation_status:crud_operations:rate5m", "job_operation:crud_operation_duration_seconds:p95_5m",
            },
            names);
        // Every series an alert reads is either exported by something or recorded here.
        foreach (var rule in ObservabilityFiles.PrometheusAlertRules().Where(r => r.Expr.Contains("slo:", StringComparison.Ordinal)))
        {
            Assert.All(PromQl.MetricNames(rule.Expr), name => Assert.Contains(name, names));
        }
    }

    private static string Normalize(string expr) => string.Join(' ', expr.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^/d/(?<uid>[a-z0-9-]+)$")]
    private static partial Regex DashboardPath();
}

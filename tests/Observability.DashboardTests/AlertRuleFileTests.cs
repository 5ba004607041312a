using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>The Prometheus rule files and their Grafana-provisioned twins stay the same alerts.</summary>
public class AlertRuleFileTests
{
    private static readonly string[] DesignAlerts =
        ["HighCRUDErrorRate", "SlowCRUDOperations", "CircularDependencyDetected", "DatabaseConnectionFailures", "OTLPExportFailures"];

    [Fact]
    public void The_five_alerts_of_the_design_are_prometheus_rules_with_a_severity()
    {
        var rules = ObservabilityFiles.PrometheusAlertRules();
        Assert.Equal(DesignAlerts.Order(), rules.Select(r => r.Name).Order());
        Assert.All(rules, r => Assert.Contains(r.Labels["severity"], new[] { "warning", "critical" }));
    }

    [Fact]
    public void Grafana_alert_rules_have_the_same_expressions_for_and_labels_as_the_prometheus_rules()
    {
        var prometheus = ObservabilityFiles.PrometheusAlertRules().ToDictionary(r => r.Name);
        var grafana = ObservabilityFiles.GrafanaAlertRules();
        Assert.Equal(prometheus.Keys.Order(), grafana.Select(g => g.Rule.Name).Order());
        var datasourceUids = ObservabilityFiles.Datasources().Select(d => d.Uid).Append("__expr__").ToHashSet();
        foreach (var (rule, uids) in grafana)
        {
            var twin = prometheus[rule.Name];
            Assert.Equal(Normalize(twin.Expr), Normalize(rule.Expr));
            Assert.Equal(twin.For, rule.For);
            Assert.Equal(twin.Labels.OrderBy(l => l.Key), rule.Labels.OrderBy(l => l.Key));
            Assert.All(uids, uid => Assert.Contains(uid, datasourceUids));
        }
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

    private static string Normalize(string expr) => string.Join(' ', expr.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

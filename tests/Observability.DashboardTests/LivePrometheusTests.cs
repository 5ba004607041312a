using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// A real Prometheus scraped the real service under a load with every error category, evaluating
/// the shipped rules (with `for:` shortened to 2s, see <see cref="PrometheusServer"/>). Every
/// dashboard query and every alert's watched series return data, and the error-rate and
/// circular-dependency alerts fire.
/// </summary>
[Collection(LiveStackCollection.Name)]
public class LivePrometheusTests(LiveStackFixture live)
{
    public static IEnumerable<object[]> DashboardPromQl() =>
        ObservabilityFiles.PromQlQueries().Select(q => new object[] { q.ToString(), q.Text })
            .Concat(ObservabilityFiles.TraceToMetricsQueries().Select(q => new object[] { "Tempo trace-to-metrics link", q }));

    /// <summary>The alerts about the service; this Prometheus scrapes no collector, Tempo or Loki.</summary>
    public static IEnumerable<object[]> Alerts() =>
        ObservabilityFiles.PrometheusAlertRules().Where(r => r.Service == "crudcqrs-api").Select(r => new object[] { r.Name });

    [SkippableTheory]
    [MemberData(nameof(DashboardPromQl))]
    public async Task Dashboard_query_returns_data(string where, string query)
    {
        var prometheus = RequirePrometheus();
        var runnable = PromQl.Runnable(query);
        var result = await prometheus.QueryAsync(runnable);
        Assert.True(result.Count > 0, $"{where}: no series for `{runnable}`");
        Assert.True(result.Any(s => double.IsFinite(s.Value)), $"{where}: only NaN/Inf for `{runnable}`");
    }

    [SkippableTheory]
    [MemberData(nameof(Alerts))]
    public async Task Alert_expression_without_its_threshold_returns_data_and_the_rule_evaluates(string alert)
    {
        var prometheus = RequirePrometheus();
        var rule = ObservabilityFiles.PrometheusAlertRules().Single(r => r.Name == alert);
        var watched = PromQl.WithoutThresholds(rule.Expr);
        var result = await prometheus.QueryAsync(watched);
        Assert.True(result.Count > 0, $"{alert}: no series for `{watched}`");
        var states = await prometheus.AlertingRulesAsync();
        Assert.Equal("ok", states[alert].Health);
    }

    [SkippableTheory]
    [InlineData("HighCRUDErrorRate")]
    [InlineData("CircularDependencyDetected")]
    public async Task Alert_reaches_firing_under_the_error_load(string alert)
    {
        var prometheus = RequirePrometheus();
        await prometheus.WaitAsync($"{alert} firing", async () => (await prometheus.AlertingRulesAsync())[alert].State == "firing", TimeSpan.FromSeconds(30));
        var firing = await prometheus.QueryAsync($"ALERTS{{alertname=\"{alert}\", alertstate=\"firing\", job=\"crudcqrs-api\"}}");
        Assert.Single(firing);
    }

    private PrometheusServer RequirePrometheus()
    {
        Tools.Require("prometheus");
        return live.Prometheus ?? throw new InvalidOperationException("prometheus is on PATH but the fixture did not start it");
    }
}

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

    public static IEnumerable<object[]> DeployAnnotations() =>
        ObservabilityFiles.AnnotationQueries().Where(q => q.DatasourceType == "prometheus").Select(q => new object[] { q.ToString(), q.Text });

    /// <summary>
    /// Right after the load the instance is new (it appeared seconds before), so the deploy
    /// annotation marks it, carrying the version and instance id of its target_info.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(DeployAnnotations))]
    public async Task Deploy_annotation_marks_the_new_instance_with_its_version(string where, string query)
    {
        var prometheus = RequirePrometheus();
        var runnable = PromQl.Runnable(query);
        var marks = await prometheus.QueryAsync(runnable, live.LoadScrapedAt);
        var mark = Assert.Single(marks);
        var targetInfo = Assert.Single(await prometheus.QueryAsync("target_info{job=\"crudcqrs-api\"}", live.LoadScrapedAt));
        foreach (var label in new[] { "service_version", "service_instance_id", "instance" })
        {
            Assert.False(string.IsNullOrEmpty(mark.Metric.GetProperty(label).GetString()), $"{where}: no {label}");
            Assert.Equal(targetInfo.Metric.GetProperty(label).GetString(), mark.Metric.GetProperty(label).GetString());
        }
    }

    /// <summary>
    /// The availability SLI counts the load's 503s and none of its refused client input (422,
    /// 404, 412): the error ratio behind the 5-minute burn rate is above zero and well below the
    /// share of 4xx answers, which it would exceed if it counted them.
    /// </summary>
    [SkippableFact]
    public async Task Availability_burn_rate_counts_server_errors_and_not_refused_client_input()
    {
        var prometheus = RequirePrometheus();
        var dashboard = ObservabilityFiles.LoadDashboard(Path.Combine(Repo.DashboardsDirectory, "service-objectives.json"));
        var fiveMinutes = ObservabilityFiles.Panels(dashboard).Single(p => (string?)p["title"] == "Availability: burn rate")["targets"]!
            .AsArray().Single(t => ((string)t!["expr"]!).Contains("ratio_rate5m", StringComparison.Ordinal))!["expr"]!.ToString();
        var burnRate = Assert.Single(await prometheus.QueryAsync(PromQl.Runnable(fiveMinutes), live.LoadScrapedAt)).Value;
        var clientErrorShare = Assert.Single(await prometheus.QueryAsync(
            "sum(rate(http_server_request_duration_seconds_count{http_response_status_code=~\"4..\"}[5m]))"
            + " / sum(rate(http_server_request_duration_seconds_count{http_route!~\"/?(health|metrics|swagger).*\"}[5m]))", live.LoadScrapedAt)).Value;
        const double budget = 0.001;
        Assert.InRange(burnRate * budget, 1e-6, clientErrorShare / 2);
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

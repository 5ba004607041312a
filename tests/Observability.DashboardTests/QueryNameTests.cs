using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// Every query names only what the running service really emits: PromQL metric and label names
/// from its real /metrics after a load with every error category, LogQL fields from its real
/// JSON log lines, TraceQL attributes and span names from what its source sets on spans.
/// </summary>
[Collection(LiveStackCollection.Name)]
public class QueryNameTests(LiveStackFixture live)
{
    /// <summary>Labels Prometheus adds to every scraped series (and the collector path sets too).</summary>
    private static readonly string[] ScrapeLabels = ["job", "instance"];

    /// <summary>Series Prometheus writes itself for every target.</summary>
    private static readonly string[] ScrapeSeries = ["up"];

    /// <summary>
    /// Dashboards, recording rules, and the alerts about the service. Alerts about the collector,
    /// Tempo, Loki and Prometheus read those components' own metrics, which the service does not
    /// export; their names are checked by their promtool cases.
    /// </summary>
    public static IEnumerable<object[]> AllPromQl() =>
        ObservabilityFiles.PromQlQueries().Select(q => new object[] { q.ToString(), q.Text })
            .Concat(ObservabilityFiles.PrometheusRecordingRules().Select(r => new object[] { "recording rule " + r.Name, r.Expr }))
            .Concat(ObservabilityFiles.PrometheusAlertRules().Where(r => r.Service == "crudcqrs-api").Select(r => new object[] { "alert " + r.Name, r.Expr }))
            .Concat(ObservabilityFiles.TraceToMetricsQueries().Select(q => new object[] { "Tempo trace-to-metrics link", q }));

    [Fact]
    public void The_load_made_the_service_export_every_instrument_of_the_design()
    {
        // Sanity of the list itself: if these were missing, the name checks below would be vacuous.
        foreach (var name in new[]
                 {
                     "crud_operation_duration_seconds_bucket", "crud_operation_count_total", "crud_operation_errors_total",
                     "crud_resources_total", "crud_cascade_delete_count_bucket", "crud_telemetry_export_failures_total",
                     "http_server_request_duration_seconds_bucket", "http_server_active_requests",
                 })
        {
            Assert.True(live.Metrics.ContainsKey(name), $"{name} missing from /metrics:\n{live.MetricsText}");
        }
        var errorTypes = live.MetricsText.Split('\n').Where(l => l.StartsWith("crud_operation_errors_total{", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "error_type=\"([^\"]+)\"").Groups[1].Value).ToHashSet();
        Assert.Superset(new HashSet<string> { "validation", "not_found", "circular_dependency", "precondition_failed", "database_unavailable" }, errorTypes);
    }

    [Theory]
    [MemberData(nameof(AllPromQl))]
    public void PromQl_uses_only_metric_and_label_names_the_service_exports_or_the_rules_record(string where, string query)
    {
        var series = KnownSeries();
        var metrics = PromQl.MetricNames(query);
        Assert.True(metrics.Count > 0, $"{where}: no metric name found in `{query}`");
        var unknown = metrics.Where(m => !series.ContainsKey(m)).ToList();
        Assert.True(unknown.Count == 0, $"{where}: {string.Join(", ", unknown)} not in the service's /metrics, nor recorded by a rule");

        var knownLabels = metrics.SelectMany(m => series[m]).Concat(ScrapeLabels).ToHashSet();
        var unknownLabels = PromQl.LabelNames(query).Where(l => !knownLabels.Contains(l)).ToList();
        Assert.True(unknownLabels.Count == 0, $"{where}: labels {string.Join(", ", unknownLabels)} are on none of {string.Join(", ", metrics)}");
    }

    /// <summary>
    /// The service's metrics with their labels, plus what Prometheus makes of them: <c>up</c>, and
    /// every recording rule's series with the labels its aggregation keeps and the ones it adds.
    /// </summary>
    private Dictionary<string, IReadOnlySet<string>> KnownSeries()
    {
        var series = live.Metrics.ToDictionary(m => m.Key, m => m.Value);
        foreach (var name in ScrapeSeries)
        {
            series[name] = ScrapeLabels.ToHashSet();
        }
        foreach (var rule in ObservabilityFiles.PrometheusRecordingRules())
        {
            var kept = PromQl.GroupingLabels(rule.Expr).Count > 0
                ? PromQl.GroupingLabels(rule.Expr)
                : PromQl.MetricNames(rule.Expr).SelectMany(m => series.GetValueOrDefault(m) ?? new HashSet<string>()).ToHashSet();
            var labels = kept.Concat(rule.Labels.Keys).Concat(series.GetValueOrDefault(rule.Name) ?? new HashSet<string>()).ToHashSet();
            series[rule.Name] = labels;
        }
        return series;
    }

    [Fact]
    public void LogQl_uses_only_fields_of_the_services_log_lines()
    {
        // Loki turns dots into underscores (service.name -> service_name) both for OTLP attributes
        // and for fields a `| json` stage extracts.
        var fields = live.LogFields.Select(f => f.Replace('.', '_')).ToHashSet();
        Assert.Superset(new HashSet<string> { "level", "trace_id", "span_id", "service_name", "operation_type", "error_type" }, fields);
        var queries = ObservabilityFiles.AllQueries().Where(q => q.DatasourceType == "loki").ToList();
        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var used = LogAndTraceQueries.LogQlFields(query.Text);
            Assert.True(used.Contains("service_name"), $"{query}: no service_name stream selector");
            var unknown = used.Where(f => !fields.Contains(f)).ToList();
            Assert.True(unknown.Count == 0, $"{query}: {string.Join(", ", unknown)} are not fields of the service's log lines");
        }
    }

    [Fact]
    public void TraceQl_uses_only_attributes_and_span_names_the_service_sets()
    {
        var attributes = EmittedBySource.SpanAttributes;
        var spanNames = EmittedBySource.SpanNames;
        Assert.Superset(new HashSet<string> { "operation.type", "resource.id", "store.type", "error.type" }, attributes.ToHashSet());
        Assert.Superset(new HashSet<string> { "create_resource", "validation", "cycle_check" }, spanNames.ToHashSet());
        var queries = ObservabilityFiles.AllQueries().Where(q => q.DatasourceType == "tempo" && q.Text.Contains('{')).ToList();
        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var unknown = LogAndTraceQueries.SpanAttributes(query.Text).Where(a => !attributes.Contains(a)).ToList();
            Assert.True(unknown.Count == 0, $"{query}: span attributes {string.Join(", ", unknown)} are never set");
            Assert.All(LogAndTraceQueries.ResourceAttributes(query.Text), a => Assert.Equal("service.name", a));
            foreach (var (isRegex, value) in LogAndTraceQueries.SpanNameConditions(query.Text))
            {
                var matches = isRegex
                    ? spanNames.Any(n => System.Text.RegularExpressions.Regex.IsMatch(n, "^(?:" + value + ")$"))
                    : spanNames.Contains(value);
                Assert.True(matches, $"{query}: no span is named like '{value}'");
            }
        }
    }
}

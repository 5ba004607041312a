using CrudCqrs.Observability.DashboardTests.Support;
using CrudCqrs.TestSupport;

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

    /// <summary>
    /// Instruments that OpenTelemetry's semantic conventions define as up-down counters (the .NET
    /// runtime's, ASP.NET Core's and Kestrel's), by their Prometheus name without <c>_total</c>.
    /// Some are exported as counters today, with a <c>_total</c> that goes away when the runtime
    /// declares them as they are specified: a query must match them with and without it.
    /// </summary>
    private static readonly string[] UpDownCounters =
    [
        "dotnet_thread_pool_thread_count", "dotnet_thread_pool_queue_length", "dotnet_timer_count", "dotnet_assembly_count",
        "dotnet_process_cpu_count", "dotnet_process_memory_working_set_bytes", "dotnet_gc_last_collection_heap_size_bytes",
        "dotnet_gc_last_collection_heap_fragmentation_size_bytes", "dotnet_gc_last_collection_memory_committed_size_bytes",
        "http_server_active_requests", "kestrel_active_connections", "kestrel_queued_connections", "kestrel_upgraded_connections",
        "kestrel_active_tls_handshakes", "aspnetcore_rate_limiting_active_request_leases", "aspnetcore_rate_limiting_queued_requests",
    ];

    /// <summary>Series Prometheus writes itself for every target.</summary>
    private static readonly string[] ScrapeSeries = ["up"];

    /// <summary>
    /// Dashboards, recording rules, and the alerts about the service. Alerts about the collector,
    /// Tempo, Loki and Prometheus read those components' own metrics, which the service does not
    /// export; their names are checked by their promtool cases.
    /// </summary>
    public static IEnumerable<object[]> AllPromQl() =>
        ObservabilityFiles.PromQlQueries().Concat(ObservabilityFiles.AnnotationQueries()).Select(q => new object[] { q.ToString(), q.Text })
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
        var errorTypes = MetricsExposition.Samples(live.MetricsText).Where(s => s.Name == "crud_operation_errors_total")
            .Select(s => s.Labels.GetValueOrDefault("error_type", "")).ToHashSet();
        Assert.Superset(new HashSet<string> { "validation", "not_found", "circular_dependency", "precondition_failed", "database_unavailable" }, errorTypes);
    }

    [Theory]
    [MemberData(nameof(AllPromQl))]
    public void PromQl_uses_only_metric_and_label_names_the_service_exports_or_the_rules_record(string where, string query)
    {
        var series = KnownSeries();
        var metrics = MetricNames(where, query);
        Assert.True(metrics.Count > 0, $"{where}: no metric name found in `{query}`");
        var unknown = metrics.Where(m => !series.ContainsKey(m)).ToList();
        Assert.True(unknown.Count == 0, $"{where}: {string.Join(", ", unknown)} not in the service's /metrics, nor recorded by a rule");

        var knownLabels = metrics.SelectMany(m => series[m]).Concat(ScrapeLabels).Concat(PromQl.CreatedLabels(query)).ToHashSet();
        var unknownLabels = PromQl.LabelNames(query).Where(l => !knownLabels.Contains(l)).ToList();
        Assert.True(unknownLabels.Count == 0, $"{where}: labels {string.Join(", ", unknownLabels)} are on none of {string.Join(", ", metrics)}");
    }

    [Theory]
    [MemberData(nameof(AllPromQl))]
    public void PromQl_names_a_total_series_only_where_the_suffix_is_stable(string where, string query)
    {
        foreach (var name in PromQl.MetricNames(query).Where(n => n.EndsWith("_total", StringComparison.Ordinal)))
        {
            // The exporter appends _total to counters only; a gauge keeps it only when it is part of
            // the instrument's own name (crud.resources.total).
            var type = live.MetricTypes.GetValueOrDefault(name, "absent");
            var ownName = "\"" + name.Replace('_', '.') + "\"";
            Assert.True(type == "counter" || (type == "gauge" && SourceMentions(ownName)),
                $"{where}: {name} is a {type} in the service's /metrics, and _total is not part of its instrument's name");
            var upDown = name[..^"_total".Length];
            Assert.False(UpDownCounters.Contains(upDown),
                $"{where}: {name} is an up-down counter exported as a counter; match both names: {{__name__=~\"{upDown}(_total)?\"}}");
        }
        foreach (var (isRegex, value) in PromQl.NameMatchers(query).Where(m => m.IsRegex))
        {
            foreach (var upDown in UpDownCounters.Where(u => Matches(value, u) || Matches(value, u + "_total")))
            {
                Assert.True(Matches(value, upDown) && Matches(value, upDown + "_total"), $"{where}: `{value}` matches only one of {upDown} and {upDown}_total");
            }
        }
    }

    /// <summary>Names the query selects directly or through a <c>__name__</c> matcher; every matcher must select an exported name.</summary>
    private IReadOnlySet<string> MetricNames(string where, string query)
    {
        var names = PromQl.MetricNames(query).ToHashSet(StringComparer.Ordinal);
        foreach (var (isRegex, value) in PromQl.NameMatchers(query))
        {
            var selected = isRegex ? live.Metrics.Keys.Where(m => Matches(value, m)).ToList() : [value];
            Assert.True(selected.Count > 0, $"{where}: __name__=~\"{value}\" selects nothing in the service's /metrics");
            names.UnionWith(selected);
        }
        return names;
    }

    private static bool Matches(string promQlRegex, string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^(?:" + promQlRegex + ")$");

    private static bool SourceMentions(string text) =>
        Directory.EnumerateFiles(Repo.SourceDirectory, "*.cs", SearchOption.AllDirectories).Any(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal));

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

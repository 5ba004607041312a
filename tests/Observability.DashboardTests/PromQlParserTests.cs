using CrudCqrs.Observability.DashboardTests.Support;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>The query readers the name checks rely on, on inputs with known answers.</summary>
public class PromQlParserTests
{
    [Fact]
    public void Metric_names_skip_functions_labels_ranges_keywords_and_strings()
    {
        var names = PromQl.MetricNames(
            "histogram_quantile(0.95, sum by (le, operation_type) (rate(crud_operation_duration_seconds_bucket{job=~\"$job\", status=\"error or up\"}[$__rate_interval])))"
            + " / on (job) group_left sum without (instance) (up offset 5m) > bool 0.5 unless absent(other_metric)");
        Assert.Equal(["crud_operation_duration_seconds_bucket", "other_metric", "up"], names.Order());
    }

    [Fact]
    public void Label_names_come_from_matchers_and_grouping_clauses()
    {
        var labels = PromQl.LabelNames("sum by (le, operation_type) (rate(x{job=~\"$job\", status!=\"a,b\"}[5m])) / ignoring(instance) y");
        Assert.Equal(["instance", "job", "le", "operation_type", "status"], labels.Order());
    }

    [Fact]
    public void Name_matchers_and_labels_written_by_label_replace_are_found()
    {
        const string query = "sum by (instance, status_class) (label_replace({__name__=~\"dotnet_a(_total)?\", job=~\"$job\"}, \"status_class\", \"${1}xx\", \"code\", \"([1-5]).\\\\d\") or b{__name__=\"c\"})";
        Assert.Equal([(true, "dotnet_a(_total)?"), (false, "c")], PromQl.NameMatchers(query));
        Assert.Equal(["b"], PromQl.MetricNames(query));
        Assert.Equal(["instance", "job", "status_class"], PromQl.LabelNames(query).Order());
        Assert.Equal(["status_class"], PromQl.CreatedLabels(query));
    }

    [Fact]
    public void Variable_queries_run_as_their_selector_with_variables_matching_everything()
    {
        Assert.Equal("crud_operation_count_total{job=~\".*\"}", PromQl.Runnable("label_values(crud_operation_count_total{job=~\"$job\"}, db_type)"));
        Assert.Equal("rate(x{a=~\".*\"}[5m])", PromQl.Runnable("rate(x{a=~\"${db_type}\"}[$__rate_interval])"));
    }

    [Fact]
    public void Thresholds_are_stripped_inside_and_at_the_end()
    {
        Assert.Equal("(sum(a)) or (b)", PromQl.WithoutThresholds("(sum(a) > 0) or (b > 0.05)"));
        Assert.Equal("increase(x[5m])", PromQl.WithoutThresholds("increase(x[5m]) > 10\n"));
    }

    [Fact]
    public void Exposition_lines_give_sample_names_with_their_labels()
    {
        var metrics = MetricsExposition.Parse("""
            # TYPE crud_operation_count_total counter
            crud_operation_count_total{otel_scope_name="CrudCqrs",operation_type="create",status="success"} 2 1764110000000
            # TYPE crud_resources_total gauge
            crud_resources_total{db_type="sqlite"} 0
            target_info 1
            """);
        Assert.Equal([("crud_operation_count_total", "counter"), ("crud_resources_total", "gauge")],
            MetricsExposition.Types("# TYPE crud_operation_count_total counter\n# HELP x y\n# TYPE crud_resources_total gauge\n").Select(t => (t.Key, t.Value)).Order());
        Assert.Equal(["crud_operation_count_total", "crud_resources_total", "target_info"], metrics.Keys.Order());
        Assert.Equal(["operation_type", "otel_scope_name", "status"], metrics["crud_operation_count_total"].Order());
    }

    [Fact]
    public void Exposition_samples_carry_unescaped_label_values_and_their_values_and_sum_by_label()
    {
        const string text = """
            otel_sdk_processor_span_processed_total{error_type="queue_full",note="a } and a \"quote\""} 3 1764110000000
            otel_sdk_processor_span_processed_total{error_type="queue_full",note="back\\slash\nline"} 4.5
            otel_sdk_processor_span_processed_total{note="handed on"} 100
            http_server_request_duration_seconds_bucket{le="+Inf"} 7 # {trace_id="0af7"} 0.01
            up NaN
            """;
        var samples = MetricsExposition.Samples(text);
        Assert.Equal(5, samples.Count);
        Assert.Equal("a } and a \"quote\"", samples[0].Labels["note"]);
        Assert.Equal("back\\slash\nline", samples[1].Labels["note"]);
        Assert.Equal("+Inf", samples[3].Labels["le"]);
        Assert.Equal(7, samples[3].Value);
        Assert.True(double.IsNaN(samples[4].Value));
        Assert.Equal(7.5, MetricsExposition.Sum(text, "otel_sdk_processor_span_processed_total", ("error_type", "queue_full")));
        Assert.Equal(107.5, MetricsExposition.Sum(text, "otel_sdk_processor_span_processed_total"));
        Assert.StartsWith("Not a sample line", Assert.Throws<FormatException>(() => MetricsExposition.Samples("not a sample")).Message);
        Assert.StartsWith("Not a sample line", Assert.Throws<FormatException>(() => MetricsExposition.Samples("up 1 2 3")).Message);
    }

    [Fact]
    public void LogQl_and_TraceQl_names_are_found()
    {
        Assert.Equal(["error_type", "level", "service_name"],
            LogAndTraceQueries.LogQlFields("sum by (level) (count_over_time({service_name=\"$service\"} |= \"a | b=c\" | error_type=~\".+\" [$__auto]))").Order());
        const string traceQl = "{ resource.service.name = \"x\" && span.operation.type =~ \".+\" && (name = \"validation\" || name =~ \"repository\\\\..*\") } | select(span.resource.id)";
        Assert.Equal(["operation.type", "resource.id"], LogAndTraceQueries.SpanAttributes(traceQl).Order());
        Assert.Equal(["service.name"], LogAndTraceQueries.ResourceAttributes(traceQl));
        Assert.Equal([(false, "validation"), (true, "repository\\..*")], LogAndTraceQueries.SpanNameConditions(traceQl));
    }
}

using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// The whole alerting path, live: the real service scraped every second by a real Prometheus with
/// the shipped rules, sending to a real Alertmanager with the committed routing; `for:` and the
/// notification timing run 30x faster, and the webhooks reach a local listener standing in for
/// the pager and the ticket system. Client mistakes page nobody; a store outage pages once.
/// </summary>
public class LiveAlertmanagerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [SkippableFact]
    public async Task Client_error_heavy_traffic_pages_nobody()
    {
        await using var stack = await AlertingStack.StartAsync();
        var load = new Load(stack.Service.Http);
        for (var round = 0; round < 8; round++)
        {
            await load.RoundAsync(withErrors: true);
            await load.ClientMistakesAsync(times: 6);
            await Task.Delay(300);
        }
        var loadEnded = DateTimeOffset.UtcNow;

        // Routing works (a rejected cycle is a ticket), so silence at `page` is not a dead pipeline.
        await stack.Alertmanager.WaitAsync("CircularDependencyDetected at ticket",
            () => Task.FromResult(stack.Webhooks.For("ticket").Any(n => n.AlertNames.Contains("CircularDependencyDetected"))), Patience);
        await stack.Prometheus.WaitAsync("rule evaluations after the load",
            async () => (await stack.Prometheus.AlertingRulesAsync()).Values.All(r => r.LastEvaluation > loadEnded.AddSeconds(3)), Patience);

        // The availability objective saw enough requests to page, a third of them refused, none failed.
        Assert.NotEmpty(await stack.Prometheus.QueryAsync("slo:sli_requests:rate1h{slo=\"availability\"} * 3600 >= 100"));
        Assert.NotEmpty(await stack.Prometheus.QueryAsync("slo:sli_requests:rate5m{slo=\"availability\"} * 300 >= 10"));
        Assert.NotEmpty(await stack.Prometheus.QueryAsync(
            "sum(rate(http_server_request_duration_seconds_count{http_response_status_code=~\"4..\"}[5m])) / sum(rate(http_server_request_duration_seconds_count[5m])) > 0.3"));
        Assert.Equal(0, (await stack.Prometheus.QueryAsync("slo:sli_error:ratio_rate5m{slo=\"availability\"}")).Single().Value);

        Assert.Empty(await stack.Prometheus.QueryAsync("ALERTS{notify=\"page\"}"));
        // Longer than the page route's compressed group_wait (30s / 30).
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(stack.Webhooks.For("page").Count == 0, "paged: " + string.Join("; ", stack.Webhooks.For("page")));
    }

    [SkippableFact]
    public async Task A_store_outage_pages_once_with_the_availability_burn_alert()
    {
        await using var stack = await AlertingStack.StartAsync();
        var load = new Load(stack.Service.Http);
        // About 130 healthy requests first: the fast burn needs 100 in its hour before it may page.
        for (var round = 0; round < 16; round++)
        {
            await load.RoundAsync(withErrors: false);
            await Task.Delay(300);
        }
        // The outage lasts a few scrapes: a counter's first sample has no rate, so a series that is
        // born with all its failures at once would show none.
        for (var wave = 0; wave < 3; wave++)
        {
            await load.DatabaseUnavailableAsync(stack.Service.DatabaseFile, requests: 5);
            await Task.Delay(1200);
        }

        await stack.Prometheus.WaitAsync("CrudApiAvailabilityBurnRateHigh firing",
            async () => (await stack.Prometheus.AlertingRulesAsync())["CrudApiAvailabilityBurnRateHigh"].State == "firing", Patience,
            "slo:sli_error:ratio_rate5m", "slo:sli_requests:rate1h * 3600", "slo:sli_requests:rate5m * 300", "ALERTS");
        await stack.Alertmanager.WaitAsync("a page", () => Task.FromResult(stack.Webhooks.For("page").Count > 0), Patience);

        // The same outage raised the design's failure alerts: Alertmanager holds them, muted by the page.
        await stack.Alertmanager.WaitAsync("DatabaseConnectionFailures and HighCRUDErrorRate inhibited", async () =>
        {
            var held = await stack.Alertmanager.AlertsAsync();
            return new[] { "DatabaseConnectionFailures", "HighCRUDErrorRate" }
                .All(name => held.Any(a => a.Name == name && a.State == "suppressed" && a.InhibitedBy.Count > 0));
        }, Patience);
        // Longer than the ticket route's compressed group_wait (2m / 30), so a ticket would have gone out.
        await Task.Delay(TimeSpan.FromSeconds(6));

        var pages = stack.Webhooks.For("page");
        var page = Assert.Single(pages);
        Assert.Equal("firing", page.Status);
        Assert.Equal(new Dictionary<string, string> { ["alertname"] = "CrudApiAvailabilityBurnRateHigh", ["service"] = "crudcqrs-api" }, page.GroupLabels);
        Assert.Equal(["CrudApiAvailabilityBurnRateHigh"], page.AlertNames);
        // The outage's other symptoms wait for the page. (OTLPExportFailures and OTLPExportQueueFull
        // may be ticketed: this service exports to a closed port and a silent collector throughout,
        // which is no symptom of the outage.)
        var symptoms = stack.Webhooks.For("ticket")
            .Where(n => !n.AlertNames.All(name => name is "OTLPExportFailures" or "OTLPExportQueueFull")).ToList();
        Assert.True(symptoms.Count == 0, "tickets despite the page: " + string.Join("; ", symptoms));
    }

    [Fact]
    public void The_test_rules_differ_only_in_compressed_for_durations_and_liveness_waits_out_a_stalled_scrape()
    {
        var liveness = new[] { "CrudApiDown", "OtelCollectorDown", "TempoDown", "LokiDown" };
        var directory = Directory.CreateTempSubdirectory("crudcqrs-compressed-");
        try
        {
            foreach (var file in Repo.RuleFiles)
            {
                var compressedFile = Path.Combine(directory.FullName, Path.GetFileName(file));
                File.WriteAllText(compressedFile, PrometheusServer.CompressFor(File.ReadAllText(file)));
                var compressed = ObservabilityFiles.PrometheusAlertRules(compressedFile);
                var shipped = ObservabilityFiles.PrometheusAlertRules(file);
                Assert.Equal(shipped.Select(r => (r.Name, r.Expr)), compressed.Select(r => (r.Name, r.Expr)));
                // A new alert on `up` belongs in the list above, so that the floor is checked for it too.
                Assert.All(shipped.Where(r => PrometheusServer.IsLiveness(r.Expr)), r => Assert.Contains(r.Name, liveness));
                foreach (var (original, test) in shipped.Zip(compressed))
                {
                    var seconds = AlertmanagerServer.Seconds(original.For);
                    var floor = liveness.Contains(original.Name) ? PrometheusServer.LivenessForFloorSeconds : 1;
                    Assert.Equal($"{Math.Max(floor, seconds / AlertmanagerServer.TimeCompression)}s", test.For);
                    Assert.Equal(original.Labels, test.Labels);
                    Assert.Equal(original.Annotations, test.Annotations);
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The service, Prometheus evaluating the shipped rules, Alertmanager routing them, and the webhook listener.</summary>
    private sealed class AlertingStack : IAsyncDisposable
    {
        public required MeteredService Service { get; init; }
        public required PrometheusServer Prometheus { get; init; }
        public required AlertmanagerServer Alertmanager { get; init; }
        public required WebhookReceiver Webhooks { get; init; }

        public static async Task<AlertingStack> StartAsync()
        {
            var prometheus = Tools.Require("prometheus");
            var alertmanager = Tools.Require("prometheus-alertmanager");
            var webhooks = new WebhookReceiver();
            var alertmanagerServer = await AlertmanagerServer.StartAsync(alertmanager, webhooks);
            var service = await MeteredService.StartAsync();
            var prometheusServer = await PrometheusServer.StartAsync(prometheus, [service.Port], alertmanagerServer.Port);
            await prometheusServer.WaitUntilScrapedAsync();
            return new AlertingStack { Service = service, Prometheus = prometheusServer, Alertmanager = alertmanagerServer, Webhooks = webhooks };
        }

        public async ValueTask DisposeAsync()
        {
            await Prometheus.DisposeAsync();
            await Alertmanager.DisposeAsync();
            await Service.DisposeAsync();
            Webhooks.Dispose();
        }
    }
}

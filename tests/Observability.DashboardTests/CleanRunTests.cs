using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// A clean run: a fresh service with only successful requests, a fresh Prometheus with the same
/// rules and shortened `for:`. The error-rate and circular-dependency alerts must stay inactive
/// while evaluating healthily on real series.
/// </summary>
public class CleanRunTests
{
    [SkippableFact]
    public async Task Error_rate_and_circular_dependency_alerts_stay_inactive_when_every_request_succeeds()
    {
        var binary = Tools.Require("prometheus");
        await using var service = await MeteredService.StartAsync();
        await using var prometheus = await PrometheusServer.StartAsync(binary, service.Port);
        await prometheus.WaitUntilScrapedAsync();

        var load = new Load(service.Http);
        for (var round = 0; round < 5; round++)
        {
            await load.RoundAsync(withErrors: false);
            await Task.Delay(700);
        }
        var loadEnded = DateTimeOffset.UtcNow;

        // The rules ran on data that includes the whole load: several evaluations (1 s apart),
        // more than the shortened `for:`, after the last request.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await prometheus.WaitAsync("rule evaluations after the load",
            async () => (await prometheus.AlertingRulesAsync()).Values.All(r => r.LastEvaluation > loadEnded.AddSeconds(3)), TimeSpan.FromSeconds(20));

        var operations = await prometheus.QueryAsync("sum(increase(crud_operation_count_total{status=\"success\"}[1m]))");
        Assert.True(operations.Single().Value > 0, "the clean load reached Prometheus");
        var errors = await prometheus.QueryAsync("crud_operation_count_total{status=\"error\"}");
        Assert.Empty(errors);

        var rules = await prometheus.AlertingRulesAsync();
        foreach (var alert in new[] { "HighCRUDErrorRate", "CircularDependencyDetected" })
        {
            Assert.Equal("ok", rules[alert].Health);
            Assert.Equal("inactive", rules[alert].State);
        }
        Assert.Empty(await prometheus.QueryAsync("ALERTS{alertname=~\"HighCRUDErrorRate|CircularDependencyDetected\"}"));
    }
}

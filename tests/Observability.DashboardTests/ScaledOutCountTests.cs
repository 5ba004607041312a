using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CrudCqrs.Observability.DashboardTests.Support;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// Two real service processes on one SQLite file, scraped by a real Prometheus: each instance's
/// <c>crud_resources_total</c> and the dashboard's own "Active resources" query equal the stored
/// count, whichever instance made the changes.
/// </summary>
public sealed class ScaledOutCountTests
{
    [SkippableFact]
    public async Task Every_instance_and_the_dashboard_report_the_stored_count()
    {
        var binary = Tools.Find("prometheus");
        Skip.If(binary is null, "prometheus is not installed (.ci/run installs the Debian package)");
        await using var first = await MeteredService.StartAsync();
        await using var second = await MeteredService.StartAsync(sharing: first);
        await using var prometheus = await PrometheusServer.StartAsync(binary, first.Port, second.Port);
        await prometheus.WaitUntilScrapedAsync(instances: 2);

        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var created = await (i % 2 == 0 ? first : second).Http.PostAsJsonAsync("/api/resources", new { name = $"scaled {i}" });
            created.EnsureSuccessStatusCode();
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }
        (await second.Http.DeleteAsync($"/api/resources/{ids[0]}")).EnsureSuccessStatusCode();
        var stored = await StoredCountAsync(first);
        Assert.Equal(5, stored);

        foreach (var instance in new[] { first, second })
        {
            Assert.Equal(stored, ResourceGauge(await instance.ScrapeAsync()));
        }
        var activeResources = ObservabilityFiles.PromQlQueries().Single(q => q.Panel == "Active resources");
        var query = PromQl.Runnable(activeResources.Text);
        double? shown = null;
        await prometheus.WaitAsync("the dashboard shows the stored count", async () =>
        {
            var result = await prometheus.QueryAsync(query);
            shown = result.Count == 1 ? result[0].Value : null;
            return shown == stored;
        }, TimeSpan.FromSeconds(30));
        // Both instances are in it: summing them would show twice the store. Prometheus scrapes the
        // two on their own schedules, so wait until both scrapes postdate the writes.
        double? summed = null;
        await prometheus.WaitAsync("both instances scraped after the writes", async () =>
        {
            summed = (await prometheus.QueryAsync("sum(crud_resources_total)")).Single().Value;
            return summed == 2 * stored;
        }, TimeSpan.FromSeconds(30));
        Assert.Equal(2 * stored, summed);
    }

    private static async Task<long> StoredCountAsync(MeteredService service)
    {
        using var response = await service.Http.GetAsync("/api/resources?limit=1");
        response.EnsureSuccessStatusCode();
        return long.Parse(response.Headers.GetValues("X-Total-Count").Single(), CultureInfo.InvariantCulture);
    }

    private static long ResourceGauge(string metricsText)
    {
        var samples = MetricsExposition.Samples(metricsText).Where(s => s.Name == "crud_resources_total").ToList();
        Assert.True(samples.Count == 1, $"crud_resources_total has {samples.Count} series in /metrics");
        return (long)samples[0].Value;
    }
}

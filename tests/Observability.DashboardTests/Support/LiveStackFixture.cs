using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>
/// The error run, shared by the tests of one collection: the service under a load with every
/// error category it can produce (validation, not_found, circular_dependency,
/// precondition_failed, database_unavailable), and — when the binary is installed — a real
/// Prometheus that scraped it throughout. <see cref="MetricsText"/> is the service's real
/// /metrics after the load: the list every dashboard and alert query is checked against.
/// </summary>
public sealed class LiveStackFixture : IAsyncLifetime
{
    public const int Rounds = 6;

    public MeteredService Service { get; private set; } = null!;
    public PrometheusServer? Prometheus { get; private set; }
    public string MetricsText { get; private set; } = "";
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Metrics { get; private set; } = new Dictionary<string, IReadOnlySet<string>>();
    public IReadOnlyDictionary<string, string> MetricTypes { get; private set; } = new Dictionary<string, string>();
    public IReadOnlySet<string> LogFields { get; private set; } = new HashSet<string>();

    /// <summary>When the last round of the load is in Prometheus (a time to run queries at).</summary>
    public DateTimeOffset LoadScrapedAt { get; private set; }

    public async Task InitializeAsync()
    {
        Service = await MeteredService.StartAsync();
        var prometheusBinary = Tools.Find("prometheus");
        if (prometheusBinary is not null)
        {
            Prometheus = await PrometheusServer.StartAsync(prometheusBinary, Service.Port);
            await Prometheus.WaitUntilScrapedAsync();
        }

        // Spread over several seconds so Prometheus holds several samples of every series, and
        // rate()/increase() over them are real numbers.
        var load = new Load(Service.Http);
        for (var round = 0; round < Rounds; round++)
        {
            await load.RoundAsync(withErrors: true);
            if (round is >= 1 and <= 3)
            {
                // Enough for HighCRUDErrorRate (server-side failures above 5 % of operations), over
                // several scrapes: a counter's first sample has no rate, so one burst would show none.
                await load.DatabaseUnavailableAsync(Service.DatabaseFile, requests: 4);
            }
            await Task.Delay(700);
        }
        MetricsText = await Service.ScrapeAsync();
        Metrics = MetricsExposition.Parse(MetricsText);
        MetricTypes = MetricsExposition.Types(MetricsText);
        LogFields = Service.LogFieldNames();
        if (Prometheus is not null)
        {
            // Two more scrapes so the last round is in Prometheus.
            await Task.Delay(2500);
        }
        LoadScrapedAt = DateTimeOffset.UtcNow;
    }

    public async Task DisposeAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }
        await Service.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LiveStackCollection : ICollectionFixture<LiveStackFixture>
{
    public const string Name = "live stack";
}

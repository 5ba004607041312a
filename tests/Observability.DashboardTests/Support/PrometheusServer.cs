using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>
/// A real Prometheus (the Debian package's /usr/bin/prometheus) scraping the service every second
/// with the shipped rule files. The test copy of each rule file differs in one way only: every
/// <c>for:</c> is 2s instead of minutes, and rules are evaluated every second, so alerts can reach
/// firing within a test. Expressions and thresholds are the shipped ones. With an Alertmanager
/// port, firing alerts are sent there as the shipped configurations do, and every `for:` runs
/// as much faster as Alertmanager's timing (<see cref="AlertmanagerServer.TimeCompression"/>)
/// instead: alerts then fire in the order they would in production, which inhibition depends on
/// (liveness alerts keep a floor, see <see cref="CompressFor"/>).
/// </summary>
public sealed partial class PrometheusServer : IAsyncDisposable
{
    public const string TestFor = "2s";

    private readonly ChildProcess _process;
    private readonly string _directory;

    private PrometheusServer(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public static Task<PrometheusServer> StartAsync(string binary, params int[] scrapePorts) =>
        StartAsync(binary, scrapePorts, alertmanagerPort: null);

    public static async Task<PrometheusServer> StartAsync(string binary, int[] scrapePorts, int? alertmanagerPort)
    {
        var directory = Path.Combine(Path.GetTempPath(), "crudcqrs-prom-" + Guid.NewGuid().ToString("N"));
        var rules = Path.Combine(directory, "rules");
        Directory.CreateDirectory(rules);
        foreach (var file in Repo.RuleFiles)
        {
            var text = File.ReadAllText(file);
            File.WriteAllText(Path.Combine(rules, Path.GetFileName(file)), alertmanagerPort is null ? ShortenFor(text) : CompressFor(text));
        }
        var config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - {rules}/*.yml
            {(alertmanagerPort is null ? "" : $"alerting: {{alertmanagers: [{{static_configs: [{{targets: [\"127.0.0.1:{alertmanagerPort}\"]}}]}}]}}")}
            scrape_configs:
              - job_name: crudcqrs-api
                static_configs:
                  - targets: [{string.Join(", ", scrapePorts.Select(port => $"\"127.0.0.1:{port}\""))}]
            """);
        var port = FreePort.Next();
        var process = ChildProcess.Start(binary,
        [
            "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--enable-feature=exemplar-storage",
        ], directory, name: "Prometheus");
        var server = new PrometheusServer(process, directory, port);
        try
        {
            await process.WaitForHttpAsync(new Uri(server.Http.BaseAddress!, "/-/ready"), TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Every <c>for: X</c> becomes <c>for: 2s</c>; fails if a file with alerts has none.</summary>
    public static string ShortenFor(string rules)
    {
        var shortened = ForClause().Replace(rules, "${indent}for: " + TestFor);
        if (rules.Contains("- alert:", StringComparison.Ordinal))
        {
            Assert.NotEqual(rules, shortened);
        }
        return shortened;
    }

    /// <summary>
    /// A liveness alert (one on <c>up</c>) waits at least this long under compression. A scrape
    /// that times out because a loaded test machine starved the service for a few seconds is a
    /// wall-clock stall, which compression would turn into minutes; in production the same stall
    /// is one slow scrape of eight and pages nobody.
    /// </summary>
    public const int LivenessForFloorSeconds = 30;

    /// <summary>
    /// Every <c>for: X</c> becomes X / <see cref="AlertmanagerServer.TimeCompression"/>, at least
    /// 1s, and at least <see cref="LivenessForFloorSeconds"/> for an alert on <c>up</c>.
    /// </summary>
    public static string CompressFor(string rules) =>
        AlertBlock().Replace(rules, alert =>
        {
            var floor = IsLiveness(AlertExpression().Match(alert.Value).Groups["expr"].Value) ? LivenessForFloorSeconds : 1;
            return ForDuration().Replace(alert.Value, m =>
            {
                var seconds = AlertmanagerServer.Seconds(m.Groups["n"].Value + m.Groups["unit"].Value);
                return $"{m.Groups["indent"].Value}for: {Math.Max(floor, seconds / AlertmanagerServer.TimeCompression)}s";
            });
        });

    /// <summary>An instant query's result series with their values, now or at <paramref name="at"/>.</summary>
    public async Task<IReadOnlyList<(JsonElement Metric, double Value)>> QueryAsync(string promQl, DateTimeOffset? at = null)
    {
        var form = new Dictionary<string, string> { ["query"] = promQl };
        if (at is { } time)
        {
            form["time"] = (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        }
        var response = await Http.PostAsync("/api/v1/query", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus rejected `{promQl}`: {body}");
        }
        var data = root.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => result.EnumerateArray()
                .Select(s => (s.GetProperty("metric").Clone(), ParseValue(s.GetProperty("value")[1].GetString()!))).ToList(),
            "scalar" => [(default, ParseValue(result[1].GetString()!))],
            var other => throw new InvalidOperationException($"Unexpected result type {other} for `{promQl}`"),
        };
    }

    /// <summary>State of every alerting rule by name: inactive, pending or firing, with its health.</summary>
    public async Task<IReadOnlyDictionary<string, (string State, string Health, DateTimeOffset LastEvaluation)>> AlertingRulesAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/rules?type=alert"));
        return document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .ToDictionary(
                r => r.GetProperty("name").GetString()!,
                r => (r.GetProperty("state").GetString()!, r.GetProperty("health").GetString()!,
                      DateTimeOffset.Parse(r.GetProperty("lastEvaluation").GetString()!, CultureInfo.InvariantCulture)));
    }

    public async Task WaitUntilScrapedAsync(int instances = 1) =>
        await WaitAsync("the service scraped", async () => (await QueryAsync("up{job=\"crudcqrs-api\"} == 1")).Count == instances, TimeSpan.FromSeconds(30));

    /// <summary>Waits for <paramref name="condition"/>; on timeout, the message shows the <paramref name="diagnostics"/> queries' results.</summary>
    public Task WaitAsync(string what, Func<Task<bool>> condition, TimeSpan timeout, params string[] diagnostics) =>
        _process.WaitUntilAsync(what, condition, timeout, async () =>
        {
            var results = new List<string>();
            foreach (var query in diagnostics)
            {
                results.Add($"{query}: " + string.Join("; ", (await QueryAsync(query)).Select(s => $"{s.Metric} {s.Value}")));
            }
            return string.Join('\n', results);
        });

    private static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    [GeneratedRegex(@"(?<indent>^[ \t]*)for:[ \t]*\S+", RegexOptions.Multiline)]
    private static partial Regex ForClause();

    [GeneratedRegex(@"(?<indent>^[ \t]*)for:[ \t]*(?<n>[0-9]+)(?<unit>[smh])[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex ForDuration();

    /// <summary>One alerting rule: from its <c>- alert:</c> line up to the next rule or the end.</summary>
    [GeneratedRegex(@"^[ \t]*- alert:.*?(?=^[ \t]*- (?:alert|record):|\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex AlertBlock();

    /// <summary>True when <paramref name="expression"/> reads the scrape health series <c>up</c>.</summary>
    public static bool IsLiveness(string expression) => PromQl.MetricNames(expression).Contains("up");

    /// <summary>A rule's <c>expr:</c>, one line or a block, up to the rule's next key.</summary>
    [GeneratedRegex(@"^[ \t]*expr:(?<expr>.*?)(?=^[ \t]*(?:for|keep_firing_for|labels|annotations):|\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex AlertExpression();
}

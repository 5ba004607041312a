using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>An alert as Alertmanager holds it: its labels, and whether an inhibition rule mutes it.</summary>
public sealed record HeldAlert(IReadOnlyDictionary<string, string> Labels, string State, IReadOnlyList<string> InhibitedBy)
{
    public string Name => Labels["alertname"];
}

/// <summary>
/// A real Alertmanager (Debian's /usr/bin/prometheus-alertmanager) running the committed
/// observability/alertmanager/alertmanager.yml. The test copy differs in two ways only: the
/// receivers' webhook URLs point at a <see cref="WebhookReceiver"/>, and group_wait,
/// group_interval and repeat_interval run 30 times faster (30s becomes 1s), as `for:` is
/// shortened for the Prometheus rules. Routes, grouping and inhibition are the committed ones.
/// </summary>
public sealed partial class AlertmanagerServer : IAsyncDisposable
{
    public const int TimeCompression = 30;

    private readonly ChildProcess _process;
    private readonly string _directory;

    private AlertmanagerServer(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public static async Task<AlertmanagerServer> StartAsync(string binary, WebhookReceiver receiver)
    {
        var directory = Path.Combine(Path.GetTempPath(), "crudcqrs-am-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "alertmanager.yml");
        File.WriteAllText(config, ForTest(File.ReadAllText(Repo.AlertmanagerConfig), receiver.Port));
        var port = FreePort.Next();
        var process = ChildProcess.Start(binary,
        [
            "--config.file=" + config,
            "--storage.path=" + Path.Combine(directory, "data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address=", // a single instance: no gossip port
        ], directory, name: "Alertmanager");
        var server = new AlertmanagerServer(process, directory, port);
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

    /// <summary>The committed configuration with local webhook URLs and compressed notification timing.</summary>
    public static string ForTest(string config, int webhookPort)
    {
        var local = WebhookUrl().Replace(config, $"${{indent}}url: http://127.0.0.1:{webhookPort}/${{receiver}}");
        Assert.NotEqual(config, local);
        var compressed = Timing().Replace(local, m =>
        {
            var seconds = Math.Max(1, Seconds(m.Groups["value"].Value) / TimeCompression);
            return $"{m.Groups["key"].Value}: {seconds.ToString(CultureInfo.InvariantCulture)}s";
        });
        Assert.NotEqual(local, compressed);
        return compressed;
    }

    /// <summary>Every alert Alertmanager holds, active, suppressed or unprocessed.</summary>
    public async Task<IReadOnlyList<HeldAlert>> AlertsAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/v2/alerts"));
        return document.RootElement.EnumerateArray().Select(a => new HeldAlert(
            a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            a.GetProperty("status").GetProperty("state").GetString()!,
            a.GetProperty("status").GetProperty("inhibitedBy").EnumerateArray().Select(i => i.GetString()!).ToList())).ToList();
    }

    public Task WaitAsync(string what, Func<Task<bool>> condition, TimeSpan timeout) =>
        _process.WaitUntilAsync(what, condition, timeout);

    /// <summary>A Prometheus/Alertmanager duration of one unit (<c>30s</c>, <c>5m</c>, <c>1h</c>, <c>2d</c>) in seconds.</summary>
    public static int Seconds(string duration)
    {
        var match = Duration().Match(duration);
        Assert.True(match.Success, $"unexpected duration '{duration}'");
        var value = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value switch { "s" => value, "m" => value * 60, "h" => value * 3600, _ => value * 86400 };
    }

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

    [GeneratedRegex(@"(?<indent>^[ \t]*-?[ \t]*)url:[ \t]*\S+/(?<receiver>page|ticket)\b", RegexOptions.Multiline)]
    private static partial Regex WebhookUrl();

    [GeneratedRegex(@"(?<key>group_wait|group_interval|repeat_interval):[ \t]*(?<value>[0-9]+[smhd])")]
    private static partial Regex Timing();

    [GeneratedRegex(@"^(?<n>[0-9]+)(?<unit>[smhd])$")]
    private static partial Regex Duration();
}

using CrudCqrs.Observability.DashboardTests.Support;
using YamlDotNet.RepresentationModel;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// The compose stack cannot run where these tests run (no Docker), so its wiring is checked from
/// the files: what it mounts exists, what it pulls is pinned, and every address one component
/// gives another (scrape and alerting targets, datasource URLs, OTLP and webhook endpoints) is a
/// compose service and a port that service listens on.
/// </summary>
public class ComposeStackTests
{
    private static readonly IReadOnlyDictionary<string, ComposeService> Services = ComposeStack.Services();

    public static TheoryData<string> ServiceNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Services.Keys)
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Every_file_the_service_mounts_exists_in_the_repository(string service)
    {
        foreach (var (hostPath, containerPath) in ComposeStack.BindMounts(Services[service]))
        {
            Assert.True(File.Exists(hostPath) || Directory.Exists(hostPath), $"{service} mounts {hostPath} at {containerPath}, which does not exist");
            Assert.StartsWith(Repo.Root, hostPath);
        }
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Every_image_is_pinned_to_a_version(string service)
    {
        var image = Services[service].Image;
        Assert.False(string.IsNullOrEmpty(image) && !Services[service].Built, $"{service} has neither an image nor a build");
        if (Services[service].Built)
        {
            return; // built from this repository (crudcqrs-api:local)
        }
        var name = image.Split('/')[^1];
        Assert.True(name.Contains(':', StringComparison.Ordinal), $"{service}: image '{image}' has no tag");
        var tag = name.Split(':')[1];
        Assert.NotEqual("latest", tag);
        Assert.Matches("[0-9]", tag);
    }

    [Fact]
    public void Prometheus_scrape_and_alerting_targets_are_compose_services_on_ports_they_listen_on()
    {
        var config = ObservabilityFiles.LoadYaml(Repo.PrometheusConfig);
        var targets = new List<(string Where, string Target)>();
        foreach (var job in ((YamlSequenceNode)config["scrape_configs"]).Children.Cast<YamlMappingNode>())
        {
            var name = ObservabilityFiles.Scalar(job, "job_name");
            targets.AddRange(StaticTargets(job).Select(t => ("scrape job " + name, t)));
            if (job.Children.TryGetValue("dns_sd_configs", out var dns))
            {
                foreach (var sd in ((YamlSequenceNode)dns).Children.Cast<YamlMappingNode>())
                {
                    var port = ObservabilityFiles.Scalar(sd, "port");
                    targets.AddRange(((YamlSequenceNode)sd["names"]).Children.Select(n => ("scrape job " + name, $"{((YamlScalarNode)n).Value}:{port}")));
                }
            }
        }
        var alerting = (YamlSequenceNode)((YamlMappingNode)config["alerting"])["alertmanagers"];
        var alertmanagers = alerting.Children.Cast<YamlMappingNode>().SelectMany(StaticTargets).ToList();
        Assert.NotEmpty(alertmanagers);
        targets.AddRange(alertmanagers.Select(t => ("alerting", t)));

        Assert.Contains(targets, t => t.Where == "scrape job tempo");
        Assert.Contains(targets, t => t.Where == "scrape job loki");
        // Inside the Prometheus container, localhost is Prometheus itself.
        AssertResolves(targets, localhost: "prometheus");
    }

    [Fact]
    public void Grafana_datasource_urls_are_compose_services_on_ports_they_listen_on()
    {
        var urls = ObservabilityFiles.Datasources().Select(d => ("datasource " + d.Name, ObservabilityFiles.Scalar(d.Node, "url"))).ToList();
        Assert.Contains(urls, u => u.Item1 == "datasource Alertmanager");
        AssertResolves(urls, localhost: "grafana");
    }

    [Fact]
    public void Otlp_endpoints_of_the_api_and_the_collector_and_tempos_remote_write_resolve()
    {
        var endpoints = new List<(string Where, string Target)>();
        foreach (var service in Services.Values.Where(s => s.Environment.ContainsKey("Observability__OtlpEndpoint")))
        {
            endpoints.Add((service.Name + " Observability__OtlpEndpoint", service.Environment["Observability__OtlpEndpoint"]));
        }
        Assert.Contains(endpoints, e => e.Where.StartsWith("api ", StringComparison.Ordinal));
        var exporters = (YamlMappingNode)ObservabilityFiles.LoadYaml(Repo.CollectorConfig)["exporters"];
        foreach (var (name, exporter) in exporters.Children)
        {
            var endpoint = ObservabilityFiles.Scalar((YamlMappingNode)exporter, "endpoint");
            if (!endpoint.StartsWith("0.0.0.0", StringComparison.Ordinal))
            {
                endpoints.Add(("collector exporter " + ((YamlScalarNode)name).Value, endpoint));
            }
        }
        Assert.Contains(endpoints, e => e.Where == "collector exporter otlp/tempo");
        var tempo = File.ReadAllText(Path.Combine(Repo.Observability, "tempo", "tempo.yaml"));
        endpoints.AddRange(tempo.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- url:", StringComparison.Ordinal))
            .Select(l => ("tempo remote_write", l["- url:".Length..].Trim())));
        AssertResolves(endpoints, localhost: null);
    }

    [Fact]
    public void Alertmanager_is_wired_in_with_the_committed_configuration_and_reachable_webhooks()
    {
        Assert.True(Services.TryGetValue("alertmanager", out var alertmanager), "no alertmanager service");
        Assert.StartsWith("prom/alertmanager:", alertmanager!.Image);
        var mounted = ComposeStack.BindMounts(alertmanager).Select(m => m.HostPath);
        Assert.Contains(Path.GetFullPath(Repo.AlertmanagerConfig), mounted);

        var prometheus = ComposeStack.BindMounts(Services["prometheus"]);
        Assert.Contains(prometheus, m => m.HostPath == Path.GetFullPath(Repo.PrometheusConfig));
        Assert.Contains(prometheus, m => m.HostPath == Path.GetFullPath(Repo.PrometheusRulesDirectory));

        var receivers = ((YamlSequenceNode)ObservabilityFiles.LoadYaml(Repo.AlertmanagerConfig)["receivers"]).Children.Cast<YamlMappingNode>();
        var webhooks = receivers.SelectMany(r => ((YamlSequenceNode)r["webhook_configs"]).Children.Cast<YamlMappingNode>()
            .Select(w => ("receiver " + ObservabilityFiles.Scalar(r, "name"), ObservabilityFiles.Scalar(w, "url")))).ToList();
        Assert.Equal(2, webhooks.Count);
        AssertResolves(webhooks, localhost: null);
    }

    private static IEnumerable<string> StaticTargets(YamlMappingNode node) =>
        node.Children.TryGetValue("static_configs", out var configs)
            ? ((YamlSequenceNode)configs).Children.Cast<YamlMappingNode>()
                .SelectMany(c => ((YamlSequenceNode)c["targets"]).Children.Select(t => ((YamlScalarNode)t).Value!))
            : [];

    private static void AssertResolves(IEnumerable<(string Where, string Target)> targets, string? localhost)
    {
        var list = targets.ToList();
        Assert.NotEmpty(list);
        foreach (var (where, target) in list)
        {
            var (host, port) = ComposeStack.Endpoint(target);
            var service = host == "localhost" && localhost is not null ? localhost : host;
            Assert.True(Services.ContainsKey(service), $"{where}: '{target}' names '{host}', which is not a compose service");
            var listening = ComposeStack.ListeningPorts(Services[service]);
            Assert.True(listening.Contains(port), $"{where}: '{target}': {service} listens on {string.Join(", ", listening.Order())}, not {port}");
        }
    }
}

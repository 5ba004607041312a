using CrudCqrs.Observability.DashboardTests.Support;
using CrudCqrs.TestSupport;
using YamlDotNet.RepresentationModel;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>The committed Alertmanager configuration: valid for amtool, and routing as the rules expect.</summary>
public class AlertmanagerConfigTests
{
    [SkippableFact]
    public async Task Amtool_check_config_accepts_the_committed_configuration()
    {
        var amtool = Tools.Require("amtool");
        var (exitCode, output) = await ChildProcess.RunAsync(amtool, ["check-config", Repo.AlertmanagerConfig], Repo.Root, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output);
        Assert.Contains("2 receivers", output);
    }

    /// <summary>amtool's own route matcher, fed each alert's labels as Prometheus would send them.</summary>
    [SkippableFact]
    public async Task Every_alert_reaches_the_receiver_its_notify_label_names()
    {
        var amtool = Tools.Require("amtool");
        foreach (var rule in ObservabilityFiles.PrometheusAlertRules())
        {
            string[] labels = [$"alertname={rule.Name}", .. rule.Labels.Select(l => $"{l.Key}={l.Value}")];
            var (exitCode, output) = await ChildProcess.RunAsync(amtool,
                ["config", "routes", "test", "--config.file=" + Repo.AlertmanagerConfig, .. labels], Repo.Root, TimeSpan.FromSeconds(60));
            Assert.True(exitCode == 0, output);
            var receiver = output.Split('\n').Select(l => l.Trim()).Last(l => l.Length > 0 && !l.StartsWith("Warning", StringComparison.Ordinal));
            Assert.True(rule.Labels["notify"] == receiver, $"{rule.Name} (notify={rule.Labels["notify"]}) reaches '{receiver}'");
        }
    }

    [Fact]
    public void Receivers_are_page_and_ticket_and_groups_are_one_alert_of_one_service()
    {
        var config = ObservabilityFiles.LoadYaml(Repo.AlertmanagerConfig);
        var receivers = ((YamlSequenceNode)config["receivers"]).Children.Cast<YamlMappingNode>().Select(r => ObservabilityFiles.Scalar(r, "name"));
        Assert.Equal(["page", "ticket"], receivers.Order());
        var route = (YamlMappingNode)config["route"];
        var groupBy = ((YamlSequenceNode)route["group_by"]).Children.Select(c => ((YamlScalarNode)c).Value).ToList();
        Assert.Equal(["service", "alertname"], groupBy);
        Assert.All(ObservabilityFiles.PrometheusAlertRules(), r => Assert.False(string.IsNullOrEmpty(r.Service), r.Name + " has no service label"));
    }

    [Fact]
    public void Inhibition_makes_a_store_outage_page_once()
    {
        var rules = ((YamlSequenceNode)ObservabilityFiles.LoadYaml(Repo.AlertmanagerConfig)["inhibit_rules"]).Children.Cast<YamlMappingNode>()
            .Select(r => (Source: Matchers(r, "source_matchers"), Target: Matchers(r, "target_matchers"))).ToList();
        Assert.Contains(rules, r => r.Source.Contains("alertname=\"CrudApiAvailabilityBurnRateHigh\"") && r.Target.Contains("notify=\"ticket\""));
        Assert.Contains(rules, r => r.Source.Contains("alertname=\"CrudApiAvailabilityBurnRateHigh\"") && r.Target.Any(t => t.Contains("LatencyBurnRate", StringComparison.Ordinal)));
        Assert.Contains(rules, r => r.Source.Contains("alertname=\"CrudApiDown\""));
        Assert.Contains(rules, r => r.Source.Contains("alertname=~\".+BurnRateHigh\"") && r.Target.Contains("alertname=~\".+BurnRateLow\""));
    }

    private static IReadOnlyList<string> Matchers(YamlMappingNode rule, string key) =>
        ((YamlSequenceNode)rule[key]).Children.Select(c => ((YamlScalarNode)c).Value!.Replace(" ", "", StringComparison.Ordinal)).ToList();
}

using System.Text.RegularExpressions;
using CrudCqrs.Observability.DashboardTests.Support;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// docs/runbooks: one page per alert, indexed, and each one leads somewhere: to dashboard panels
/// that exist and to queries an on-call engineer can paste.
/// </summary>
public partial class RunbookTests
{
    public static TheoryData<string> Alerts()
    {
        var data = new TheoryData<string>();
        foreach (var rule in ObservabilityFiles.PrometheusAlertRules())
        {
            data.Add(rule.Name);
        }
        return data;
    }

    [Fact]
    public void Every_runbook_belongs_to_an_alert_and_the_index_lists_every_alert()
    {
        var alerts = ObservabilityFiles.PrometheusAlertRules().Select(r => r.Name).ToHashSet();
        var pages = Directory.GetFiles(Repo.RunbooksDirectory, "*.md").Select(Path.GetFileNameWithoutExtension).Where(n => n != "README").ToHashSet();
        Assert.Equal(alerts.Order(), pages.Order());
        var index = File.ReadAllText(Path.Combine(Repo.RunbooksDirectory, "README.md"));
        Assert.All(alerts, a => Assert.Contains($"]({a}.md)", index));
    }

    [Theory]
    [MemberData(nameof(Alerts))]
    public void Runbook_has_every_section_a_panel_that_exists_and_a_query(string alert)
    {
        var text = File.ReadAllText(Path.Combine(Repo.RunbooksDirectory, alert + ".md"));
        foreach (var section in new[] { "## What it means", "## User impact", "## Open first", "## Queries", "## Diagnosis", "## Mitigation", "## Escalate" })
        {
            Assert.Contains(section, text);
        }
        var rule = ObservabilityFiles.PrometheusAlertRules().Single(r => r.Name == alert);
        Assert.Contains($"`{rule.Labels["notify"]}`", text);
        Assert.Contains(rule.Labels["severity"], text);

        var panels = Dashboards();
        var cited = PanelCitation().Matches(text).Select(m => (Dashboard: m.Groups["dashboard"].Value.Trim(), Panel: m.Groups["panel"].Value.Trim())).ToList();
        Assert.NotEmpty(cited);
        Assert.All(cited, c => Assert.True(panels.TryGetValue(c.Dashboard, out var titles) && titles.Contains(c.Panel), $"no panel '{c.Panel}' on a dashboard titled '{c.Dashboard}'"));

        Assert.Matches("```(promql|logql|traceql)\n", text);
    }

    /// <summary>The PromQL in runbooks names what the rules and the service really have.</summary>
    [Theory]
    [MemberData(nameof(Alerts))]
    public void Runbook_promql_names_recorded_or_known_series(string alert)
    {
        var text = File.ReadAllText(Path.Combine(Repo.RunbooksDirectory, alert + ".md"));
        var recorded = ObservabilityFiles.PrometheusRecordingRules().Select(r => r.Name).ToHashSet();
        var queries = PromQlBlock().Matches(text).Select(m => m.Groups["query"].Value).ToList();
        Assert.NotEmpty(queries);
        foreach (var name in queries.SelectMany(PromQl.MetricNames).Where(n => n.Contains(':', StringComparison.Ordinal)))
        {
            Assert.Contains(name, recorded);
        }
    }

    private static Dictionary<string, HashSet<string>> Dashboards() =>
        ObservabilityFiles.DashboardFiles.Select(ObservabilityFiles.LoadDashboard).ToDictionary(
            d => (string)d["title"]!,
            d => ObservabilityFiles.Panels(d).Select(p => (string?)p["title"] ?? "").ToHashSet());

    [GeneratedRegex(@"^- (?<dashboard>CrudCqrs / [^→\n]+)→(?<panel>[^\n]+)$", RegexOptions.Multiline)]
    private static partial Regex PanelCitation();

    [GeneratedRegex("```promql\n(?<query>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex PromQlBlock();
}

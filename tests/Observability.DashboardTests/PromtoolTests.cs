using CrudCqrs.Observability.DashboardTests.Support;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>promtool on the shipped files: rule syntax, the alert unit tests, the scrape config.</summary>
public class PromtoolTests
{
    public static TheoryData<string> RuleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Repo.RuleFiles)
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    public static TheoryData<string> UnitTestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repo.PrometheusTestsDirectory, "*.yml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(RuleFiles))]
    public async Task Promtool_check_rules_accepts_the_rule_file(string file)
    {
        var promtool = Tools.Require("promtool");
        var (exitCode, output) = await ChildProcess.RunAsync(promtool, ["check", "rules", file], Repo.PrometheusRulesDirectory, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [SkippableTheory]
    [MemberData(nameof(UnitTestFiles))]
    public async Task Promtool_unit_tests_of_the_alerts_pass(string file)
    {
        var promtool = Tools.Require("promtool");
        var (exitCode, output) = await ChildProcess.RunAsync(promtool, ["test", "rules", file], Repo.PrometheusTestsDirectory, TimeSpan.FromSeconds(120));
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public void Every_alert_has_promtool_cases_that_fire_and_cases_that_stay_silent()
    {
        var tests = string.Join('\n', Directory.GetFiles(Repo.PrometheusTestsDirectory, "*.yml").Select(File.ReadAllText));
        foreach (var rule in ObservabilityFiles.PrometheusAlertRules())
        {
            var cases = System.Text.RegularExpressions.Regex.Split(tests, @"\n\s*- eval_time:").Where(c => c.Contains("alertname: " + rule.Name + "\n", StringComparison.Ordinal)).ToList();
            Assert.Contains(cases, c => c.Contains("exp_alerts: []", StringComparison.Ordinal));
            Assert.Contains(cases, c => c.Contains("exp_labels:", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The compose config names rule files by their path inside the container, so only its syntax
    /// is checked; the local config's relative rule paths resolve here and are checked in full.
    /// </summary>
    [SkippableTheory]
    [InlineData("prometheus.yml", true)]
    [InlineData("prometheus.local.yml", false)]
    public async Task Promtool_check_config_accepts_the_shipped_prometheus_configs(string file, bool syntaxOnly)
    {
        var promtool = Tools.Require("promtool");
        string[] arguments = syntaxOnly ? ["check", "config", "--syntax-only", file] : ["check", "config", file];
        var (exitCode, output) = await ChildProcess.RunAsync(promtool, arguments, Path.GetDirectoryName(Repo.PrometheusConfig)!, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output);
        if (!syntaxOnly)
        {
            Assert.Matches(@"[1-9][0-9]* rules found", output);
        }
    }
}

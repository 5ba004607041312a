namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>Paths of the checked-in observability files and of the built service.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Observability => Path.Combine(Root, "observability");
    public static string DashboardsDirectory => Path.Combine(Observability, "grafana", "dashboards");
    public static string DatasourcesFile => Path.Combine(Observability, "grafana", "provisioning", "datasources", "datasources.yaml");
    public static string GrafanaAlertsFile => Path.Combine(Observability, "grafana", "provisioning", "alerting", "crud-alerts.yaml");
    public static string PrometheusRulesDirectory => Path.Combine(Observability, "prometheus", "rules");
    public static string PrometheusTestsDirectory => Path.Combine(Observability, "prometheus", "tests");
    public static string PrometheusConfig => Path.Combine(Observability, "prometheus", "prometheus.yml");
    public static string SourceDirectory => Path.Combine(Root, "src");

    public static IReadOnlyList<string> RuleFiles =>
        Directory.GetFiles(PrometheusRulesDirectory, "*.yml").Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// CrudCqrs.Api.dll as the Api project built it for this configuration (the project reference
    /// builds it first); falls back to the copy in this test's output folder.
    /// </summary>
    public static string ApiAssembly()
    {
        var testOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testOutput);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testOutput)!);
        var candidates = new[]
        {
            Path.Combine(Root, "src", "Api", "bin", configuration, framework, "CrudCqrs.Api.dll"),
            Path.Combine(testOutput, "CrudCqrs.Api.dll"),
        };
        return candidates.FirstOrDefault(c => File.Exists(c) && File.Exists(Path.ChangeExtension(c, ".runtimeconfig.json")))
            ?? throw new FileNotFoundException("CrudCqrs.Api.dll with its runtimeconfig not found; looked in " + string.Join(", ", candidates));
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CrudCqrs.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("No CrudCqrs.sln above " + AppContext.BaseDirectory);
    }
}

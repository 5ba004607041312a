using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>Paths of the checked-in observability files.</summary>
public static class Repo
{
    public static string Root => RepositoryRoot.Path;

    public static string Observability => Path.Combine(Root, "observability");
    public static string DashboardsDirectory => Path.Combine(Observability, "grafana", "dashboards");
    public static string DatasourcesFile => Path.Combine(Observability, "grafana", "provisioning", "datasources", "datasources.yaml");
    public static string GrafanaProvisioningDirectory => Path.Combine(Observability, "grafana", "provisioning");
    public static string PrometheusRulesDirectory => Path.Combine(Observability, "prometheus", "rules");
    public static string PrometheusTestsDirectory => Path.Combine(Observability, "prometheus", "tests");
    public static string PrometheusConfig => Path.Combine(Observability, "prometheus", "prometheus.yml");
    public static string LocalPrometheusConfig => Path.Combine(Observability, "prometheus", "prometheus.local.yml");
    public static string AlertmanagerConfig => Path.Combine(Observability, "alertmanager", "alertmanager.yml");
    public static string CollectorConfig => Path.Combine(Observability, "otel-collector", "otel-collector-config.yaml");
    public static string ComposeFile => Path.Combine(Root, "docker", "docker-compose.yml");
    public static string RunbooksDirectory => Path.Combine(Root, "docs", "runbooks");
    public static string SourceDirectory => Path.Combine(Root, "src");

    public static IReadOnlyList<string> RuleFiles =>
        Directory.GetFiles(PrometheusRulesDirectory, "*.yml").Order(StringComparer.Ordinal).ToList();
}

using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>The service as a real process, set up as these suites need it: telemetry off, quiet text logs.</summary>
public static class ApiProcesses
{
    public static Task<ServiceProcess> StartAsync(string databasePath, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Observability__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Format"] = "text",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return ServiceProcess.StartAsync(new ServiceOptions { DatabasePath = databasePath, Settings = all });
    }
}

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>
/// Finds prometheus, promtool, prometheus-alertmanager and amtool on PATH. Missing binaries skip
/// the tests that need them, with the reason, unless CRUDCQRS_REQUIRE_PROMETHEUS=1 (CI sets it
/// after installing the Debian packages `prometheus` and `prometheus-alertmanager`): then they fail.
/// </summary>
public static class Tools
{
    public const string RequireVariable = "CRUDCQRS_REQUIRE_PROMETHEUS";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The binary's path; skips the test (or fails it when required) when it is not on PATH.</summary>
    public static string Require(string name)
    {
        var found = Find(name);
        if (found is not null)
        {
            return found;
        }
        var package = name is "amtool" or "prometheus-alertmanager" ? "prometheus-alertmanager" : "prometheus";
        var reason = $"'{name}' is not on PATH; install it with `apt-get install -y {package}` (Debian package {package}: {(package == "prometheus" ? "prometheus, promtool" : "prometheus-alertmanager, amtool")}).";
        if (Required)
        {
            Assert.Fail(reason + $" {RequireVariable}=1 makes this a failure.");
        }
        Skip.If(true, reason + $" Set {RequireVariable}=1 to fail instead of skipping.");
        return null!;
    }
}

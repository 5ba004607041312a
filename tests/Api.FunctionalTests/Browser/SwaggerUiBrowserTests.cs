using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Browser;

/// <summary>
/// Swagger UI as a user sees it: a real headless Chromium loads the page from the real service
/// and the page's script renders every operation of the contract. Skipped only where no
/// Chromium is installed; CI installs it and sets CRUDCQRS_REQUIRE_BROWSER=1, which turns the
/// skip into a failure.
/// </summary>
public sealed class SwaggerUiBrowserTests : IDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crudcqrs-browser-" + Guid.NewGuid().ToString("N"));

    public SwaggerUiBrowserTests() => Directory.CreateDirectory(_directory);

    [SkippableFact]
    public async Task Swagger_ui_renders_every_operation_in_a_real_browser()
    {
        var required = Environment.GetEnvironmentVariable("CRUDCQRS_REQUIRE_BROWSER") == "1";
        if (!File.Exists(ChromiumPath))
        {
            Assert.False(required, $"CRUDCQRS_REQUIRE_BROWSER=1 but {ChromiumPath} is missing (apt-get install -y chromium)");
            Skip.If(true, $"no browser: {ChromiumPath} is not installed (apt-get install -y chromium)");
        }

        // Production, as operators run it; the UI is off there unless asked for.
        await using var api = await ServiceProcess.StartQuietAsync(Path.Combine(_directory, "browser.db"), ("OpenApi__Enabled", "true"));
        var dom = await DumpRenderedDomAsync(new Uri(api.BaseAddress, "/swagger/index.html"));

        Assert.Contains("CrudCqrs API", dom);
        foreach (var path in new[] { "/api/resources", "/api/resources/{id}", "/api/search" })
        {
            Assert.Contains($"data-path=\"{path}\"", dom);
        }
        foreach (var method in new[] { "get", "post", "put", "delete" })
        {
            Assert.Contains($"opblock-{method}", dom);
        }
    }

    private async Task<string> DumpRenderedDomAsync(Uri page)
    {
        // The flags keep Chromium off the network this machine does not have, and let it run as root.
        await using var browser = ChildProcess.Start(ChromiumPath,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={Path.Combine(_directory, "profile")}",
            "--virtual-time-budget=20000", "--dump-dom", page.ToString(),
        ], _directory);
        await browser.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var dom = string.Join('\n', browser.Stdout);
        Assert.True(dom.Length > 0, "Chromium printed no DOM: " + string.Join('\n', browser.Stderr));
        return dom;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>
/// The built service, started as operators start it (Production), refuses auth settings that
/// cannot work: non-zero exit and one line naming the key, never the key's value.
/// </summary>
public sealed class StartupRefusalTests
{
    public static TheoryData<string, string[], string> Refused() => new()
    {
        { "no Auth__Mode", [], "Auth__Mode" },
        { "unknown mode", ["Auth__Mode=Basic"], "Auth__Mode" },
        { "Jwt without key or authority", ["Auth__Mode=Jwt"], "Auth__SigningKey" },
        { "short key", ["Auth__Mode=Jwt", "Auth__SigningKey=short-secret-value"], "Auth__SigningKey" },
        { "relative authority", ["Auth__Mode=Jwt", "Auth__Authority=login/realm"], "Auth__Authority" },
        { "http authority outside Development", ["Auth__Mode=Jwt", "Auth__Authority=http://login.example.com/realm"], "Auth__Authority" },
        { "http authority with credentials in it", ["Auth__Mode=Jwt", "Auth__Authority=http://user:short-secret-value@login.example.com/realm?token=short-secret-value"], "Auth__Authority" },
        { "rate that is not a number", ["Auth__Mode=None", "RateLimit__WritesPerSecond=fast"], "RateLimit__WritesPerSecond" },
        { "authority and signing key together", ["Auth__Mode=Jwt", "Auth__Authority=https://login.example.com/realm", "Auth__SigningKey=short-secret-value but long enough for HMAC"], "Auth__Authority and Auth__SigningKey" },
        { "protected metrics without tokens", ["Auth__Mode=None", "Auth__ProtectMetrics=true"], "Auth__ProtectMetrics" },
        { "OpenAPI switch that is not a boolean", ["Auth__Mode=None", "OpenApi__Enabled=sometimes"], "OpenApi__Enabled" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Unusable_auth_setting_outside_development_stops_the_start_with_one_line_naming_the_key(string why, string[] settings, string key)
    {
        // No Auth__Mode unless the case gives one (the launcher's default is removed).
        var environment = new Dictionary<string, string?> { ["Auth__Mode"] = null, ["Observability__Enabled"] = "false", ["Logging__Format"] = "text" };
        foreach (var setting in settings)
        {
            var split = setting.IndexOf('=');
            environment[setting[..split]] = setting[(split + 1)..];
        }
        await using var service = await ServiceProcess.StartAsync(new ServiceOptions { Settings = environment, WaitFor = Readiness.None });

        int exitCode;
        try
        {
            exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{why}: still running after 60 s, it did not refuse:\n{service.OutputTail()}");
            return;
        }

        Assert.True(exitCode != 0, $"{why}: exited with 0\n{service.OutputTail()}");
        var line = Assert.Single(service.Output, l => !string.IsNullOrWhiteSpace(l));
        Assert.Contains(key, line, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret-value", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explicit_none_outside_development_starts_open_and_warns()
    {
        var directory = Directory.CreateTempSubdirectory("crudcqrs-auth-none-").FullName;
        try
        {
            await using var service = await ServiceProcess.StartQuietAsync(Path.Combine(directory, "api.db"), ("Auth__Mode", "None"));
            var client = service.CreateClient(new ServerErrorGuard());
            var created = await client.CreateAsync("anyone may write");
            Assert.Equal(created.Id, (await client.GetResourceAsync(created.Id)).Resource.Id);
            Assert.Contains(service.Output, line => line.Contains("Auth__Mode=None in Production", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>
/// The built service on real Kestrel in Production with tokens, as the hostile tester met it: no
/// <c>Server</c> header, no <c>/swagger</c> unless asked for, and refused tokens logged once per
/// reason, without their contents.
/// </summary>
public sealed class ProductionSurfaceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("crudcqrs-production-surface-").FullName;

    [Fact]
    public async Task Production_with_tokens_hides_the_server_and_the_document_and_logs_refusals_once_per_reason()
    {
        await using var service = await ServiceProcess.StartQuietAsync(Path.Combine(_directory, "api.db"),
            ("Auth__Mode", "Jwt"), ("Auth__SigningKey", TestTokens.SigningKey), ("Auth__Issuer", TestTokens.Issuer));
        using var client = service.CreateClient(new ServerErrorGuard());

        foreach (var path in new[] { "/health/live", ApiCalls.Resources, "/swagger/v1/swagger.json" })
        {
            var answer = await client.FetchAsync(path);
            Assert.False(answer.Message.Headers.Contains("Server"), $"{path}: Server: {answer.Header("Server")}");
        }
        foreach (var path in new[] { "/swagger", "/swagger/index.html", "/swagger/v1/swagger.json" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.FetchAsync(path)).Status);
        }

        var expired = TestTokens.Mint(expiresIn: TimeSpan.FromMinutes(-1));
        var forged = TestTokens.Mint(key: TestTokens.OtherKey);
        var injecting = TestTokens.Mint(issuer: "https://issuer.crudcqrs.test\r\nX-Injected: yes");
        var critical = TestTokens.MintWithCriticalHeader();
        foreach (var token in Enumerable.Repeat(expired, 10).Concat(Enumerable.Repeat(forged, 10)).Concat(Enumerable.Repeat(injecting, 5))
            .Concat(Enumerable.Repeat(critical, 3)))
        {
            var answer = await client.SendAsync(HttpMethod.Get, ApiCalls.Resources,
                configure: request => request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));
            Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
            Assert.Equal("Bearer error=\"invalid_token\"", answer.Header("WWW-Authenticate"));
        }

        string[] reasons = ["(expired)", "(bad_signature)", "(wrong_issuer)", "(critical_header)"];
        var refusals = await LinesAsync(service, reasons);
        foreach (var reason in reasons)
        {
            Assert.True(refusals.Count(line => line.Contains("Refused with 401 " + reason, StringComparison.Ordinal)) == 1,
                $"one line for {reason}:\n{string.Join('\n', refusals)}");
        }
        foreach (var line in service.Output)
        {
            Assert.DoesNotContain(expired.Split('.')[1], line, StringComparison.Ordinal);
            Assert.DoesNotContain(injecting.Split('.')[1], line, StringComparison.Ordinal);
            Assert.DoesNotContain("X-Injected", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_OpenApi_enabled_the_document_and_ui_are_served_the_same_to_every_caller()
    {
        await using var service = await ServiceProcess.StartQuietAsync(Path.Combine(_directory, "api.db"), ("OpenApi__Enabled", "true"));
        using var client = service.CreateClient(new ServerErrorGuard());

        var first = await client.FetchAsync("/swagger/v1/swagger.json");
        var second = await client.FetchAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("application/json", first.Message.Content.Headers.ContentType?.MediaType);
        Assert.Equal(first.Body, second.Body);
        Assert.StartsWith("3.", first.Json.GetProperty("openapi").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchAsync("/swagger/index.html")).Status);
    }

    /// <summary>The output lines that name any of <paramref name="reasons"/>, once each has appeared (stdout is written by a background queue).</summary>
    private static async Task<IReadOnlyList<string>> LinesAsync(ServiceProcess service, string[] reasons)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var lines = service.Output.Where(line => line.Contains("Refused with", StringComparison.Ordinal)).ToArray();
            if (reasons.All(reason => lines.Any(line => line.Contains(reason, StringComparison.Ordinal))) || DateTime.UtcNow > deadline)
            {
                return lines;
            }
            await Task.Delay(100);
        }
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

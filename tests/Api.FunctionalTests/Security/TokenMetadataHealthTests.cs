using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>
/// Readiness tells the truth about tokens: while the authority's signing keys cannot be fetched,
/// every token is refused and <c>/health/ready</c> says Degraded with the reason (to loopback
/// callers); with a real issuer serving discovery and JWKS it is Healthy and its tokens work.
/// </summary>
public sealed class TokenMetadataHealthTests
{
    /// <summary>The in-memory host with tokens checked against an OpenID Connect authority (Development, so plain http may serve its metadata).</summary>
    private static InMemoryService WithAuthority(string authority) => InMemoryService.Create(
        new Dictionary<string, string?> { ["Auth:Mode"] = "Jwt", ["Auth:Authority"] = authority },
        RemoteAddressFilter.Register);

    [Fact]
    public async Task An_unreachable_authority_makes_readiness_degraded_with_the_reason()
    {
        var closed = $"http://127.0.0.1:{FreePort.Next()}";
        await using var factory = WithAuthority(closed);
        var client = factory.CreateGuardedClient();

        var ready = await client.FetchAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Degraded", ready.Json.GetProperty("status").GetString());
        var check = ready.Json.GetProperty("checks").GetProperty("token-metadata");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.Contains("cannot fetch the token signing keys from " + closed, check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reason_names_the_authority_without_its_credentials_or_query()
    {
        var port = FreePort.Next();
        await using var factory = WithAuthority($"http://operator:hunter2-secret@127.0.0.1:{port}/realm?token=hunter2-secret");
        var client = factory.CreateGuardedClient();

        var description = (await client.FetchAsync("/health/ready")).Json.GetProperty("checks").GetProperty("token-metadata").GetProperty("description").GetString()!;

        Assert.Contains($"http://127.0.0.1:{port}/realm", description, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", description, StringComparison.Ordinal);
        Assert.DoesNotContain("operator", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_authority_is_not_asked_on_every_probe_and_strangers_see_only_the_status()
    {
        using var issuer = new MetadataServer { Failing = true };
        await using var factory = WithAuthority(issuer.Authority);
        var client = factory.CreateGuardedClient();
        client.DefaultRequestHeaders.Add(RemoteAddressFilter.Header, "203.0.113.9");

        for (var i = 0; i < 20; i++)
        {
            var ready = await client.FetchAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.Status);
            Assert.Equal(["status"], ready.Json.EnumerateObject().Select(p => p.Name));
            Assert.Equal("Degraded", ready.Json.GetProperty("status").GetString());
        }
        // The first probe fetches; the next try waits MetadataWithBackoff.FirstRetry (5 s) or longer.
        Assert.InRange(issuer.DiscoveryRequests, 1, 2);
    }

    [Fact]
    public async Task Tokens_arriving_while_the_authority_is_down_do_not_each_ask_it_again()
    {
        using var issuer = new MetadataServer { Failing = true };
        await using var factory = WithAuthority(issuer.Authority);
        var client = factory.CreateGuardedClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Mint(issuer: issuer.Authority, credentials: issuer.Credentials));

        for (var i = 0; i < 20; i++)
        {
            (await client.FetchAsync(ApiCalls.Resources)).AssertProblem(401, "Unauthorized");
        }
        // Without backoff each of them asked twice (40); the next try waits MetadataWithBackoff.FirstRetry (5 s) or longer.
        Assert.InRange(issuer.DiscoveryRequests, 1, 2);
        var ready = await client.FetchAsync("/health/ready");
        Assert.Contains("next try in", ready.Json.GetProperty("checks").GetProperty("token-metadata").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reachable_authority_makes_readiness_healthy_and_its_tokens_are_accepted()
    {
        using var issuer = new MetadataServer();
        await using var factory = WithAuthority(issuer.Authority);
        var client = factory.CreateGuardedClient();

        var ready = await client.FetchAsync("/health/ready");
        Assert.Equal("Healthy", ready.Json.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.Json.GetProperty("checks").GetProperty("token-metadata").GetProperty("status").GetString());

        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Mint(issuer: issuer.Authority, credentials: issuer.Credentials));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync(new { name = "signed by the issuer" })).Status);
    }
}

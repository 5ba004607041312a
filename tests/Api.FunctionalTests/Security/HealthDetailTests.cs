using System.Net;
using System.Text.Json;
using CrudCqrs.Api.FunctionalTests.Infrastructure;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>Probes from anywhere get the status code; only local or authenticated callers get the checks' details.</summary>
public sealed class HealthDetailTests(JwtService factory) : IClassFixture<JwtService>
{
    private const string Stranger = "203.0.113.7";

    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task A_stranger_gets_the_status_and_nothing_else(string path)
    {
        var answer = await Send(path, Stranger, token: null);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var properties = answer.Json.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["status"], properties);
        Assert.Equal("Healthy", answer.Json.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task A_loopback_caller_gets_the_checks(string address)
    {
        var answer = await Send("/health/ready", address, token: null);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(JsonValueKind.Object, answer.Json.GetProperty("checks").ValueKind);
        Assert.NotEmpty(answer.Json.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task A_stranger_with_a_valid_token_gets_the_checks_and_a_bad_token_changes_nothing()
    {
        var authenticated = await Send("/health/ready", Stranger, TestTokens.Mint(scope: null));
        Assert.NotEmpty(authenticated.Json.GetProperty("checks").EnumerateObject());

        var forged = await Send("/health/ready", Stranger, TestTokens.Mint(key: TestTokens.OtherKey));
        Assert.Equal(HttpStatusCode.OK, forged.Status);
        Assert.False(forged.Json.TryGetProperty("checks", out _));
    }

    private async Task<ApiResponse> Send(string path, string remoteAddress, string? token)
    {
        var client = factory.ClientWith(token);
        return await client.SendAsync(HttpMethod.Get, path, configure: request => request.Headers.Add(RemoteAddressFilter.Header, remoteAddress));
    }
}

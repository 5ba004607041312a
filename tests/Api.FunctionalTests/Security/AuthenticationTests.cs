using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>
/// Real signed tokens through the real JwtBearer middleware: every kind of bad token gets 401
/// problem details with <c>WWW-Authenticate: Bearer</c>, a token without the scope gets 403, and
/// none of them changes the store.
/// </summary>
public sealed class AuthenticationTests(JwtService factory) : IClassFixture<JwtService>
{
    private readonly HttpClient _admin = factory.ClientWith(TestTokens.Mint());

    public static TheoryData<string, string?> BadTokens() => new()
    {
        { "no token", null },
        { "not a JWT", "not-a-jwt" },
        { "bad signature", TestTokens.Mint(key: TestTokens.OtherKey) },
        { "expired", TestTokens.Mint(expiresIn: TimeSpan.FromMinutes(-1)) },
        { "wrong audience", TestTokens.Mint(audience: "another-api") },
        { "wrong issuer", TestTokens.Mint(issuer: "https://elsewhere.test") },
        { "critical header", TestTokens.MintWithCriticalHeader() },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_token_answers_401_problem_with_a_bearer_challenge_on_every_endpoint_and_changes_nothing(string kind, string? token)
    {
        var existing = await _admin.CreateAsync($"target of {kind}");
        var before = await _admin.SnapshotAsync();
        var client = factory.ClientWith(token);

        var answers = new[]
        {
            await client.PostAsync(new { name = "intruder" }),
            await client.PutAsync(existing.Id, new { name = "renamed by " + kind }),
            await client.DeleteResourceAsync(existing.Id, cascade: true),
            await client.FetchAsync(ApiCalls.Resources),
            await client.GetResourceAsync(existing.Id),
            await client.FetchAsync("/api/search?q=target"),
        };
        foreach (var answer in answers)
        {
            answer.AssertProblem(401, "Unauthorized");
            // Only whether a token was sent: never why it failed, which would quote its claims.
            Assert.Equal(token is null ? "Bearer" : "Bearer error=\"invalid_token\"", answer.Header("WWW-Authenticate"));
            if (token is not null)
            {
                Assert.DoesNotContain(token, answer.Body, StringComparison.Ordinal);
            }
        }
        Assert.Equal(before, await _admin.SnapshotAsync());
    }

    [Fact]
    public async Task Read_scope_alone_reads_but_every_write_answers_403_and_changes_nothing()
    {
        var existing = await _admin.CreateAsync("guarded");
        var before = await _admin.SnapshotAsync();
        var reader = factory.ClientWith(TestTokens.Mint(scope: "resources:read", subject: "reader"));

        Assert.Equal(HttpStatusCode.OK, (await reader.GetResourceAsync(existing.Id)).Status);
        Assert.Equal(HttpStatusCode.OK, (await reader.FetchAsync(ApiCalls.Resources)).Status);
        Assert.Equal(HttpStatusCode.OK, (await reader.FetchAsync("/api/search?q=guarded")).Status);
        var writes = new[]
        {
            await reader.PostAsync(new { name = "not allowed" }),
            await reader.PutAsync(existing.Id, new { name = "not allowed" }),
            await reader.DeleteResourceAsync(existing.Id),
        };
        foreach (var answer in writes)
        {
            var problem = answer.AssertProblem(403, "Forbidden");
            Assert.Contains("lacks the scope resources:write", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await _admin.SnapshotAsync());
    }

    [Fact]
    public async Task Write_scope_alone_is_refused_everywhere_with_403_naming_the_read_scope_and_changes_nothing()
    {
        // A write answers with the resource, and its 404/412/422 tell which ids exist: write needs read.
        var existing = await _admin.CreateAsync("not for write-only eyes");
        var before = await _admin.SnapshotAsync();
        var writer = factory.ClientWith(TestTokens.Mint(scope: "resources:write", subject: "writer"));

        var writes = new[]
        {
            await writer.PostAsync(new { name = "written blind" }),
            await writer.PutAsync(existing.Id, new { }),
            await writer.PutAsync(Guid.NewGuid().ToString(), new { name = "probe" }),
            await writer.PutAsync(existing.Id, new { name = "x" }, ifMatch: "\"stale\""),
            await writer.DeleteResourceAsync(existing.Id),
        };
        foreach (var answer in writes)
        {
            var problem = answer.AssertProblem(403, "Forbidden");
            Assert.Contains("lacks the scope resources:read", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("Bearer error=\"insufficient_scope\", scope=\"resources:write resources:read\"", answer.Header("WWW-Authenticate"));
        }
        (await writer.GetResourceAsync(existing.Id)).AssertProblem(403, "Forbidden");
        (await writer.FetchAsync(ApiCalls.Resources)).AssertProblem(403, "Forbidden");
        (await writer.FetchAsync("/api/search")).AssertProblem(403, "Forbidden");
        Assert.Equal(before, await _admin.SnapshotAsync());
    }

    [Fact]
    public async Task A_token_without_any_scope_is_forbidden_everywhere()
    {
        var nobody = factory.ClientWith(TestTokens.Mint(scope: null, subject: "nobody"));
        (await nobody.FetchAsync(ApiCalls.Resources)).AssertProblem(403, "Forbidden");
        (await nobody.PostAsync(new { name = "x" })).AssertProblem(403, "Forbidden");
    }

    [Fact]
    public async Task Scopes_sent_as_an_scp_array_grant_like_the_scope_string()
    {
        var client = factory.ClientWith(TestTokens.Mint(scope: null, scp: ["resources:read", "resources:write"]));
        var created = await client.CreateAsync("via scp");
        Assert.Equal(HttpStatusCode.OK, (await client.GetResourceAsync(created.Id)).Status);

        var similar = factory.ClientWith(TestTokens.Mint(scope: "resources:readonly resources:writer"));
        (await similar.FetchAsync(ApiCalls.Resources)).AssertProblem(403, "Forbidden");
    }

    [Fact]
    public async Task Swagger_and_health_need_no_token()
    {
        var anonymous = factory.ClientWith(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.FetchAsync("/swagger/v1/swagger.json")).Status);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.FetchAsync("/health/live")).Status);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.FetchAsync("/health/ready")).Status);
    }
}

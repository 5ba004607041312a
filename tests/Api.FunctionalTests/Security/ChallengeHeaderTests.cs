using CrudCqrs.Api.FunctionalTests.Infrastructure;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>
/// Signed tokens whose claims hold what a header cannot (CR, LF, non-ASCII, quotes, kilobytes):
/// never a 5xx, and <c>WWW-Authenticate</c> is one of a few fixed values that repeat nothing of the token.
/// </summary>
public sealed class ChallengeHeaderTests(JwtService factory) : IClassFixture<JwtService>
{
    private static readonly string Long = new('x', 8 * 1024);

    private static readonly string[] FixedChallenges =
    [
        "Bearer",
        "Bearer error=\"invalid_token\"",
        "Bearer error=\"insufficient_scope\", scope=\"resources:read\"",
        "Bearer error=\"insufficient_scope\", scope=\"resources:write resources:read\"",
    ];

    public static TheoryData<string, string> HostileClaims() => new()
    {
        { "iss", "https://issuer.crudcqrs.test\r\nX-Injected: yes" },
        { "iss", "https://issuer.crudcqrs.test\nSet-Cookie: a=b" },
        { "iss", "https://émetteur.example/ünïcode/\u202Eevil" },
        { "iss", "https://x\", error_uri=\"https://evil.example" },
        { "iss", "https://issuer.crudcqrs.test/" + Long },
        { "aud", "crudcqrs-api\r\nX-Injected: yes" },
        { "aud", "ünïcode \"quoted\" audience" },
        { "aud", Long },
        { "sub", "user\r\nX-Injected: yes" },
        { "sub", "ünïcode \"quoted\" \u202E subject" },
        { "sub", Long },
        { "scope", "resources:read\r\nX-Injected: yes" },
        { "scope", "ünïcode \"quoted\"" },
        { "scope", Long },
        { "client_id", "client\r\n\"quoted\" ünïcode" },
    };

    [Theory]
    [MemberData(nameof(HostileClaims))]
    public async Task A_hostile_claim_never_gives_a_5xx_and_never_reaches_the_challenge(string claim, string value)
    {
        var token = claim switch
        {
            "iss" => TestTokens.Mint(issuer: value),
            "aud" => TestTokens.Mint(audience: value),
            "sub" => TestTokens.Mint(subject: value),
            "scope" => TestTokens.Mint(scope: value),
            _ => TestTokens.Mint(subject: null, claims: new Dictionary<string, object> { [claim] = value }),
        };
        var client = factory.ClientWith(token);

        foreach (var answer in new[]
        {
            await client.FetchAsync(ApiCalls.Resources),
            await client.PostAsync(new { name = "hostile " + claim }),
            await client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.JsonBody(new { name = "keyed" }),
                r => r.Headers.TryAddWithoutValidation("Idempotency-Key", "hostile-" + Guid.NewGuid().ToString("N"))),
        })
        {
            Assert.True(answer.Code < 500, answer.ToString());
            if (answer.Code is 401 or 403)
            {
                var challenge = answer.Header("WWW-Authenticate");
                Assert.True(FixedChallenges.Contains(challenge), $"{claim}: WWW-Authenticate is {challenge}");
                Assert.DoesNotContain(value, answer.Body, StringComparison.Ordinal);
            }
            Assert.DoesNotContain(answer.Message.Headers, header => header.Key == "X-Injected" || header.Key == "Set-Cookie");
        }
    }

    public static TheoryData<string, string?, Dictionary<string, object>> OddClaimShapes() => new()
    {
        { "numeric sub", "alice", new Dictionary<string, object> { ["sub"] = 12345 } },
        { "array sub", "alice", new Dictionary<string, object> { ["sub"] = new[] { "a", "b\r\nc" } } },
        { "object sub", "alice", new Dictionary<string, object> { ["sub"] = new Dictionary<string, object> { ["k"] = "v\"" } } },
        { "boolean client_id", null, new Dictionary<string, object> { ["client_id"] = true } },
        { "array scope", "alice", new Dictionary<string, object> { ["scope"] = new[] { "resources:read", "resources:write" } } },
        { "numeric iss", "alice", new Dictionary<string, object> { ["iss"] = 5 } },
        { "object iss", "alice", new Dictionary<string, object> { ["iss"] = new Dictionary<string, object> { ["x"] = "\r\n" } } },
        { "array aud", "alice", new Dictionary<string, object> { ["aud"] = new[] { "other\r\n", "ünïcode" } } },
        { "text exp", "alice", new Dictionary<string, object> { ["exp"] = "tomorrow\r\n" } },
        { "text nbf", "alice", new Dictionary<string, object> { ["nbf"] = "\"now\"" } },
    };

    [Theory]
    [MemberData(nameof(OddClaimShapes))]
    public async Task Claims_of_unexpected_types_never_give_a_5xx(string kind, string? subject, Dictionary<string, object> claims)
    {
        var client = factory.ClientWith(TestTokens.Mint(subject: subject, claims: claims));
        foreach (var answer in new[] { await client.FetchAsync(ApiCalls.Resources), await client.PostAsync(new { name = "odd " + kind }) })
        {
            Assert.True(answer.Code < 500, $"{kind}: {answer}");
            if (answer.Code is 401 or 403)
            {
                Assert.True(FixedChallenges.Contains(answer.Header("WWW-Authenticate")), $"{kind}: WWW-Authenticate is {answer.Header("WWW-Authenticate")}");
            }
        }
    }

    [Fact]
    public async Task An_expired_token_gets_invalid_token_without_a_description()
    {
        var answer = await factory.ClientWith(TestTokens.Mint(expiresIn: TimeSpan.FromMinutes(-5))).FetchAsync(ApiCalls.Resources);
        answer.AssertProblem(401, "Unauthorized");
        Assert.Equal("Bearer error=\"invalid_token\"", answer.Header("WWW-Authenticate"));
    }
}

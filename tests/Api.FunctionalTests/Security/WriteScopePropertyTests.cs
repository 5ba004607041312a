using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CsCheck;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>
/// Property: with authentication on, no write (create, update, delete; any body, id, query or
/// header) answers 2xx unless the token grants <c>resources:write</c>, and the store never changes.
/// </summary>
public sealed class WriteScopePropertyTests(JwtService factory) : IClassFixture<JwtService>
{
    private static readonly Gen<string?> TokensWithoutWrite = Gen.OneOf<string?>(
        null,
        "",
        "garbage.token.here",
        TestTokens.Mint(scope: null),
        TestTokens.Mint(scope: "resources:read"),
        TestTokens.Mint(scope: "resources:read resources:writes"),
        TestTokens.Mint(scope: "Resources:Write"),
        TestTokens.Mint(scope: null, scp: ["resources:read", "write"]),
        TestTokens.Mint(key: TestTokens.OtherKey),
        TestTokens.Mint(expiresIn: TimeSpan.FromSeconds(-5)),
        TestTokens.Mint(audience: "crudcqrs-api-other"),
        TestTokens.Mint(issuer: "https://issuer.crudcqrs.test/other"));

    private static readonly Gen<HttpMethod> WriteMethods = Gen.OneOf(HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch);

    private static readonly Gen<string> Bodies = Gen.OneOf(
        Gen.Const("{\"name\":\"sneaky\"}"),
        Gen.Const("{\"name\":\"x\",\"dependencies\":[]}"),
        Gen.Const("not json"),
        Gen.String[0, 40].Select(text => System.Text.Json.JsonSerializer.Serialize(new { name = text })));

    [Fact]
    public async Task No_write_answers_2xx_without_the_write_scope_and_the_store_never_changes()
    {
        var admin = factory.ClientWith(TestTokens.Mint());
        var existing = await admin.CreateAsync("the one to protect");
        var before = await admin.SnapshotAsync();
        var targets = Gen.OneOf(
            ApiCalls.Resources,
            $"{ApiCalls.Resources}/{existing.Id}",
            $"{ApiCalls.Resources}/{existing.Id}?cascade=true",
            $"{ApiCalls.Resources}/{Guid.NewGuid()}");

        Gen.Select(TokensWithoutWrite, WriteMethods, targets, Bodies).Sample((token, method, target, body) =>
        {
            var client = factory.ClientWith(token);
            var answer = client.SendAsync(method, target, ApiCalls.RawJson(body)).GetAwaiter().GetResult();
            Assert.False(answer.Code is >= 200 and < 300, $"{method} {target} with token '{token}' answered {answer}");
        }, iter: 150, threads: 1);

        Assert.Equal(before, await admin.SnapshotAsync());
    }
}

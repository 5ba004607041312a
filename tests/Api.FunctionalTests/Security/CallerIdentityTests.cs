using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>
/// Client-credentials tokens (no <c>sub</c>) are told apart by <c>client_id</c> or <c>azp</c>: one
/// client can neither replay nor block another's <c>Idempotency-Key</c>; a token that names no
/// caller at all is refused.
/// </summary>
public sealed class CallerIdentityTests(JwtService factory) : IClassFixture<JwtService>
{
    private const string Header = "Idempotency-Key";

    private static Task<ApiResponse> CreateKeyed(HttpClient client, string key, string name) =>
        client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.JsonBody(new { name }), r => r.Headers.TryAddWithoutValidation(Header, key));

    public static TheoryData<string, string> ClientPairs() => new()
    {
        { "client_id", "client_id" },
        { "azp", "azp" },
        { "client_id", "azp" },
    };

    [Theory]
    [MemberData(nameof(ClientPairs))]
    public async Task Two_clients_without_sub_never_see_or_block_each_others_idempotency_keys(string claimOfA, string claimOfB)
    {
        var a = factory.ClientWith(TestTokens.MintForClient("service-a", claimOfA));
        var b = factory.ClientWith(TestTokens.MintForClient("service-b", claimOfB));
        var key = "shared-" + Guid.NewGuid().ToString("N");

        var first = await CreateKeyed(a, key, "made by a");
        Assert.Equal(HttpStatusCode.Created, first.Status);

        // The same key and body from b: its own write, not a's answer.
        var sameBody = await CreateKeyed(b, key, "made by a");
        Assert.Equal(HttpStatusCode.Created, sameBody.Status);
        Assert.NotEqual(first.Resource.Id, sameBody.Resource.Id);

        // A different body from another client: not "key in use" (422).
        var otherKey = "other-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.Created, (await CreateKeyed(a, otherKey, "a's body")).Status);
        var differentBody = await CreateKeyed(b, otherKey, "b's body");
        Assert.Equal(HttpStatusCode.Created, differentBody.Status);
        Assert.Equal("b's body", differentBody.Resource.Name);

        // Each still gets its own answer replayed.
        var replay = await CreateKeyed(b, key, "made by a");
        Assert.Equal(sameBody.Body, replay.Body);
    }

    [Fact]
    public async Task Concurrent_writes_of_two_clients_with_one_key_are_never_told_the_key_is_in_flight()
    {
        var a = factory.ClientWith(TestTokens.MintForClient("racer-a"));
        var b = factory.ClientWith(TestTokens.MintForClient("racer-b"));
        for (var round = 0; round < 10; round++)
        {
            var key = $"race-{round}-{Guid.NewGuid():N}";
            var answers = await Task.WhenAll(CreateKeyed(a, key, "a " + round), CreateKeyed(b, key, "b " + round));
            Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.Status));
            Assert.Equal(["a " + round, "b " + round], answers.Select(answer => answer.Resource.Name));
        }
    }

    [Fact]
    public async Task A_user_and_a_client_with_the_same_name_are_different_callers()
    {
        var user = factory.ClientWith(TestTokens.Mint(subject: "same-name"));
        var client = factory.ClientWith(TestTokens.MintForClient("same-name"));
        var key = "same-name-" + Guid.NewGuid().ToString("N");

        var first = await CreateKeyed(user, key, "the user's");
        var second = await CreateKeyed(client, key, "the user's");

        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.NotEqual(first.Resource.Id, second.Resource.Id);
    }

    [Fact]
    public async Task A_long_sub_and_a_sub_spelling_its_hash_are_different_callers()
    {
        var longSubject = new string('x', 300);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(longSubject)));
        var longCaller = factory.ClientWith(TestTokens.Mint(subject: longSubject));
        var spelledCaller = factory.ClientWith(TestTokens.Mint(subject: "sha256:" + hash));
        var key = "hash-" + Guid.NewGuid().ToString("N");

        var first = await CreateKeyed(longCaller, key, "the long one's");
        var second = await CreateKeyed(spelledCaller, key, "the long one's");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.NotEqual(first.Resource.Id, second.Resource.Id);
    }

    public static TheoryData<string, Dictionary<string, object>> NamelessTokens() => new()
    {
        { "no sub, no client", new Dictionary<string, object>() },
        { "empty sub", new Dictionary<string, object> { ["sub"] = "" } },
        { "blank sub and client_id", new Dictionary<string, object> { ["sub"] = " ", ["client_id"] = "", ["azp"] = "\t" } },
        { "client_id with two values", new Dictionary<string, object> { ["client_id"] = new[] { "service-a", "service-b" } } },
        { "sub with two values beside a client", new Dictionary<string, object> { ["sub"] = new[] { "alice", "bob" }, ["client_id"] = "service-a" } },
    };

    [Theory]
    [MemberData(nameof(NamelessTokens))]
    public async Task A_token_that_names_no_caller_is_refused_for_reads_and_writes(string kind, Dictionary<string, object> claims)
    {
        var nameless = factory.ClientWith(TestTokens.Mint(subject: null, claims: claims));
        var before = await factory.ClientWith(TestTokens.Mint()).SnapshotAsync();

        var answers = new[]
        {
            await nameless.FetchAsync(ApiCalls.Resources),
            await nameless.PostAsync(new { name = "from nobody" }),
            await CreateKeyed(nameless, "nameless-" + Guid.NewGuid().ToString("N"), "from nobody"),
        };
        foreach (var answer in answers)
        {
            answer.AssertProblem(401, "Unauthorized");
            Assert.True(answer.Header("WWW-Authenticate") == "Bearer error=\"invalid_token\"", $"{kind}: {answer.Header("WWW-Authenticate")}");
        }
        Assert.Equal(before, await factory.ClientWith(TestTokens.Mint()).SnapshotAsync());
    }

    [Fact]
    public async Task An_empty_sub_falls_back_to_the_client()
    {
        var client = factory.ClientWith(TestTokens.Mint(subject: "", claims: new Dictionary<string, object> { ["client_id"] = "fallback" }));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync(new { name = "by the client" })).Status);
    }
}

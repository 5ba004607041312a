using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;

namespace CrudCqrs.Api.FunctionalTests.Security;

public sealed class TokenRateLimitTests(LimitedJwtService factory) : IClassFixture<LimitedJwtService>
{
    private const string SharedAddress = "192.0.2.44";

    [Fact]
    public async Task Callers_behind_one_address_have_a_bucket_per_subject()
    {
        var erin = Client(TestTokens.Mint(subject: "erin"));
        var answers = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add((await erin.PostAsync(new { name = $"erin {i}" })).Code);
        }
        Assert.Contains(429, answers);

        Assert.Equal(HttpStatusCode.Created, (await Client(TestTokens.Mint(subject: "frank")).PostAsync(new { name = "frank" })).Status);
    }

    [Fact]
    public async Task Clients_without_sub_behind_one_address_have_a_bucket_per_client()
    {
        var batch = Client(TestTokens.MintForClient("batch-job"));
        var answers = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add((await batch.PostAsync(new { name = $"batch {i}" })).Code);
        }
        Assert.Contains(429, answers);

        Assert.Equal(HttpStatusCode.Created, (await Client(TestTokens.MintForClient("other-job", "azp")).PostAsync(new { name = "other" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await Client(TestTokens.Mint(subject: "batch-job")).PostAsync(new { name = "a user named like it" })).Status);
    }

    [Fact]
    public async Task A_flood_without_a_valid_token_is_limited_too()
    {
        var stranger = Client(null, "192.0.2.45");
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await stranger.PostAsync(new { name = "flood" }));
        }
        Assert.All(answers, a => Assert.Contains(a.Code, new[] { 401, 429 }));
        answers.First(a => a.Code == 429).AssertProblem(429, "TooManyRequests");
    }

    private HttpClient Client(string? token, string address = SharedAddress)
    {
        var client = factory.ClientWith(token);
        client.DefaultRequestHeaders.Add(RemoteAddressFilter.Header, address);
        return client;
    }
}

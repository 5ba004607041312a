using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;

namespace CrudCqrs.Api.FunctionalTests.Security;

public sealed class RateLimitTests(LimitedService factory) : IClassFixture<LimitedService>
{
    [Fact]
    public async Task A_write_burst_past_the_bucket_gets_429_problems_with_retry_after_and_refused_writes_store_nothing()
    {
        var client = ClientAt("198.51.100.10");
        var answers = new List<ApiResponse>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await client.PostAsync(new { name = $"burst {i}" }));
        }

        var created = answers.Count(a => a.Status == HttpStatusCode.Created);
        var refused = answers.Where(a => a.Code == 429).ToList();
        Assert.Equal(answers.Count, created + refused.Count);
        // The bucket holds 4 and refills 2 a second during the burst.
        Assert.InRange(created, 4, 4 + (int)Math.Ceiling(2 * clock.Elapsed.TotalSeconds));
        Assert.NotEmpty(refused);
        foreach (var answer in refused)
        {
            answer.AssertProblem(429, "TooManyRequests");
            Assert.True(int.TryParse(answer.Header("Retry-After"), out var seconds) && seconds >= 1, answer.ToString());
        }

        var stored = (await ClientAt("198.51.100.99").FetchAsync("/api/resources?limit=1000")).Resources;
        Assert.Equal(created, stored.Count(r => r.Name.StartsWith("burst ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reads_have_their_own_bucket_other_clients_are_not_affected_and_health_is_never_limited()
    {
        var client = ClientAt("198.51.100.20");
        for (var i = 0; i < 10; i++)
        {
            await client.PostAsync(new { name = $"drain {i}" });
        }
        Assert.Equal(429, (await client.PostAsync(new { name = "one more" })).Code);

        Assert.Equal(HttpStatusCode.OK, (await client.FetchAsync("/api/resources?limit=1")).Status);
        Assert.Equal(HttpStatusCode.Created, (await ClientAt("198.51.100.21").PostAsync(new { name = "another client" })).Status);
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.FetchAsync(i % 2 == 0 ? "/health/live" : "/health/ready")).Status);
        }
    }

    [Fact]
    public async Task After_retry_after_the_client_may_write_again()
    {
        var client = ClientAt("198.51.100.30");
        ApiResponse? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            var answer = await client.PostAsync(new { name = $"until refused {i}" });
            refused = answer.Code == 429 ? answer : null;
        }
        Assert.NotNull(refused);
        await Task.Delay(TimeSpan.FromSeconds(int.Parse(refused.Header("Retry-After")!)));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync(new { name = "after waiting" })).Status);
    }

    private HttpClient ClientAt(string address)
    {
        var client = factory.CreateGuardedClient();
        client.DefaultRequestHeaders.Add(RemoteAddressFilter.Header, address);
        return client;
    }
}

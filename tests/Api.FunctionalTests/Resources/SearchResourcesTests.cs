using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;

namespace CrudCqrs.Api.FunctionalTests.Resources;

public sealed class SearchResourcesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..10];

    private Task<ApiResponse> SearchAsync(string? q, string paging = "") =>
        _client.FetchAsync("/api/search" + (q is null ? "?" : $"?q={Uri.EscapeDataString(q)}&") + paging);

    private static IReadOnlyList<string> Names(ApiResponse response) => response.Resources.Select(r => r.Name).ToArray();

    [Fact]
    public async Task Matches_case_insensitive_substrings_of_name_or_description()
    {
        var m = Marker();
        await _client.CreateAsync($"{m} Frontend App", "React");
        await _client.CreateAsync($"{m} backend", $"serves the FRONTEND");
        await _client.CreateAsync($"{m} database", "stores");
        await _client.CreateAsync($"{m} ÉCOLE", null);

        var response = await SearchAsync($"{m} ");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("4", response.Header("X-Total-Count"));

        var upper = Names(await SearchAsync("fRoNtEnD"));
        Assert.Equal([$"{m} Frontend App", $"{m} backend"], upper.Where(n => n.StartsWith(m)).ToArray());
        Assert.Equal([$"{m} ÉCOLE"], Names(await SearchAsync($"{m} école")));
        Assert.Equal([$"{m} database"], Names(await SearchAsync($"{m.ToUpperInvariant()} DATA")));
        Assert.Empty(Names(await SearchAsync($"{m} nothing like it")));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData(".*")]
    [InlineData("[a-z]")]
    [InlineData("(x|y)")]
    [InlineData("^")]
    [InlineData("\\")]
    [InlineData("'")]
    [InlineData("a+b?")]
    public async Task Wildcards_and_regex_metacharacters_are_matched_as_plain_text(string special)
    {
        var m = Marker();
        await _client.CreateAsync($"{m} with {special} inside");
        await _client.CreateAsync($"{m} plain text abc xyz", "nothing special");
        await _client.CreateAsync($"{m} described", $"desc {special} here");

        var names = Names(await SearchAsync(special)).Where(n => n.StartsWith(m)).ToArray();

        Assert.Equal([$"{m} with {special} inside", $"{m} described"], names);
    }

    [Fact]
    public async Task Blank_or_missing_q_matches_everything()
    {
        await _client.CreateAsync($"{Marker()} any");
        var total = (await _client.ListAllAsync()).Count;

        foreach (var response in new[] { await SearchAsync(null), await SearchAsync(""), await SearchAsync("   ") })
        {
            Assert.Equal(HttpStatusCode.OK, response.Status);
            Assert.Equal(total.ToString(), response.Header("X-Total-Count"));
            Assert.Equal(Math.Min(total, 100), response.Resources.Count);
        }
    }

    [Fact]
    public async Task Results_are_in_topological_order_with_created_at_then_id_tie_break()
    {
        var m = Marker();
        // Created in the opposite order of their dependencies, then linked.
        var top = await _client.CreateAsync($"{m} top", $"edge {m}");
        var middle = await _client.CreateAsync($"{m} middle");
        var bottom = await _client.CreateAsync($"{m} bottom", $"edge {m}");
        var loose = await _client.CreateAsync($"{m} loose");
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(top.Id, new { dependencies = new[] { middle.Id } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(middle.Id, new { dependencies = new[] { bottom.Id } })).Status);

        Assert.Equal([$"{m} bottom", $"{m} middle", $"{m} top", $"{m} loose"], Names(await SearchAsync(m)));

        // Only matches take part: without "middle" nothing orders "top" after "bottom", so creation order decides.
        Assert.Equal([$"{m} top", $"{m} bottom"], Names(await SearchAsync($"edge {m}")));
    }

    [Fact]
    public async Task Order_matches_a_reference_topological_sort_on_a_random_graph()
    {
        var m = Marker();
        var random = new Random(1234);
        var ids = new List<string>();
        // Parallel batches so some creation times are equal and the id tie-break matters.
        for (var batch = 0; batch < 4; batch++)
        {
            var known = ids.ToArray();
            var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            {
                var deps = known.Where(_ => random.Next(4) == 0).ToArray();
                return _client.CreateAsync($"{m} n{batch}.{i}", null, deps);
            }));
            ids.AddRange(created.Select(r => r.Id));
        }
        // Point some old resources at newer ones so topological order differs from creation order.
        var rewired = 0;
        foreach (var id in ids.Take(6))
        {
            var target = ids[ids.Count - 1 - rewired];
            var response = await _client.PutAsync(id, new { dependencies = new[] { target } });
            Assert.True(response.Code is 200 or 422, response.ToString());
            rewired++;
        }

        var response2 = await SearchAsync(m, "limit=1000");
        var actual = response2.Resources;
        Assert.Equal(ids.Count, actual.Count);
        Assert.Equal(ReferenceOrder(actual).Select(r => r.Id), actual.Select(r => r.Id));

        // Paging applies after ordering.
        var pages = new List<ResourceView>();
        for (var offset = 0; offset < actual.Count; offset += 5)
        {
            var page = await SearchAsync(m, $"offset={offset}&limit=5");
            Assert.Equal(actual.Count.ToString(), page.Header("X-Total-Count"));
            pages.AddRange(page.Resources);
        }
        Assert.Equal(actual, pages);
    }

    /// <summary>Kahn's algorithm picking the smallest (createdAt, id) among ready resources.</summary>
    private static List<ResourceView> ReferenceOrder(IReadOnlyList<ResourceView> resources)
    {
        var remaining = resources.ToList();
        var placed = new HashSet<string>();
        var inSet = resources.Select(r => r.Id).ToHashSet();
        var order = new List<ResourceView>();
        while (remaining.Count > 0)
        {
            var next = remaining
                .Where(r => r.Dependencies.Where(inSet.Contains).All(placed.Contains))
                .OrderBy(r => r.CreatedAt, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal)
                .First();
            order.Add(next);
            placed.Add(next.Id);
            remaining.Remove(next);
        }
        return order;
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=x", "offset")]
    [InlineData("limit=", "limit")]
    public async Task Bad_paging_is_a_validation_error(string paging, string field)
    {
        var problem = (await SearchAsync("a", paging)).AssertProblem(422, "ValidationError");
        Assert.Contains(field, problem.ErrorKeys());
    }

    [Fact]
    public async Task Over_long_query_is_a_validation_error()
    {
        var problem = (await SearchAsync(new string('q', 201))).AssertProblem(422, "ValidationError");
        Assert.Equal(["q"], problem.ErrorKeys());
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync(new string('q', 200))).Status);
    }
}

using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Resources;

public sealed class SearchResourcesTests(InMemoryService factory) : IClassFixture<InMemoryService>
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
    public async Task Results_follow_dependencies_also_through_resources_that_do_not_match()
    {
        var m = Marker();
        // Created in the opposite order of their dependencies, then linked.
        var top = await _client.CreateAsync($"{m} top", $"edge {m}");
        var middle = await _client.CreateAsync($"{m} middle");
        var bottom = await _client.CreateAsync($"{m} bottom", $"edge {m}");
        await _client.CreateAsync($"{m} loose");
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(top.Id, new { dependencies = new[] { middle.Id } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(middle.Id, new { dependencies = new[] { bottom.Id } })).Status);

        Assert.Equal([$"{m} bottom", $"{m} middle", $"{m} top", $"{m} loose"], Names(await SearchAsync(m)));

        // "middle" does not match, yet "top" still comes after "bottom", which it needs through "middle".
        Assert.Equal([$"{m} bottom", $"{m} top"], Names(await SearchAsync($"edge {m}")));
    }

    [Fact]
    public async Task Walking_a_random_graph_by_cursor_or_offset_gives_every_match_once_after_all_it_depends_on()
    {
        var m = Marker();
        var random = new Random(1234);
        var ids = new List<string>();
        // Parallel batches so some creation times are equal.
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
        // Point some old resources at newer ones so the order differs from creation order.
        for (var i = 0; i < 6; i++)
        {
            var response = await _client.PutAsync(ids[i], new { dependencies = new[] { ids[^(i + 1)] } });
            Assert.True(response.Code is 200 or 422, response.ToString());
        }

        var all = (await SearchAsync(m, "limit=1000")).Resources;
        Assert.Equal(ids.Order(), all.Select(r => r.Id).Order());
        var dependenciesOf = all.ToDictionary(r => r.Id, r => r.Dependencies);
        var seen = new HashSet<string>();
        foreach (var resource in all)
        {
            Assert.All(resource.Dependencies.Where(dependenciesOf.ContainsKey), d => Assert.Contains(d, seen));
            seen.Add(resource.Id);
        }

        var byOffset = new List<ResourceView>();
        for (var offset = 0; offset < all.Count; offset += 5)
        {
            var page = await SearchAsync(m, $"offset={offset}&limit=5");
            Assert.Equal(all.Count.ToString(), page.Header("X-Total-Count"));
            byOffset.AddRange(page.Resources);
        }
        Assert.Equal(all, byOffset);

        var byCursor = new List<ResourceView>();
        var next = $"/api/search?q={m}&limit=5";
        while (next is not null)
        {
            var page = await _client.FetchAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            byCursor.AddRange(page.Resources);
            var cursor = page.Header("X-Next-Cursor");
            Assert.Equal(cursor is null ? null : $"</api/search?q={m}&limit=5&cursor={cursor}>; rel=\"next\"", page.Header("Link"));
            next = cursor is null ? null : $"/api/search?q={m}&limit=5&cursor={cursor}";
        }
        Assert.Equal(all, byCursor);
        Assert.Equal(all, (await SearchAsync(m, "limit=1000")).Resources);
    }

    [Fact]
    public async Task A_list_cursor_is_not_a_search_cursor_and_neither_goes_with_an_offset()
    {
        var m = Marker();
        await _client.CreateAsync($"{m} one");
        await _client.CreateAsync($"{m} two");
        var listCursor = (await _client.FetchAsync("/api/resources?limit=1")).Header("X-Next-Cursor");
        var searchCursor = (await SearchAsync(m, "limit=1")).Header("X-Next-Cursor");
        Assert.NotNull(listCursor);
        Assert.NotNull(searchCursor);

        Assert.Contains("cursor", (await SearchAsync(m, $"cursor={listCursor}")).AssertProblem(422, "ValidationError").ErrorKeys());
        Assert.Contains("cursor", (await _client.FetchAsync($"/api/resources?cursor={searchCursor}")).AssertProblem(422, "ValidationError").ErrorKeys());
        Assert.Contains("offset", (await SearchAsync(m, $"offset=1&cursor={searchCursor}")).AssertProblem(422, "ValidationError").ErrorKeys());
        Assert.Equal([$"{m} two"], Names(await SearchAsync(m, $"cursor={searchCursor}")));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=x", "offset")]
    [InlineData("limit=", "limit")]
    [InlineData("limit=0x10", "limit")]
    [InlineData("offset=%201", "offset")]
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

    [Theory]
    [InlineData("ab%00")]
    [InlineData("%00%00%00")]
    [InlineData("%00ab")]
    [InlineData("a%00b%00c")]
    [InlineData("abc%01")]
    [InlineData("%7Fabc")]
    [InlineData("ab%C2%85")]
    public async Task Control_characters_in_the_query_are_a_validation_error_naming_q(string encoded)
    {
        var problem = (await _client.FetchAsync($"/api/search?q={encoded}")).AssertProblem(422, "ValidationError");
        Assert.Equal(["q"], problem.ErrorKeys());
    }

    [Fact]
    public async Task Tabs_and_line_breaks_in_the_query_are_text_like_any_other()
    {
        var m = Marker();
        await _client.CreateAsync(m, "first line\nsecond line");

        Assert.Equal([m], Names(await SearchAsync("line\nsecond")));
        Assert.Empty(Names(await SearchAsync($"{m}\t\r\nx")));
    }
}

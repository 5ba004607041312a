using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Resources;

public sealed class ListResourcesTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Fact]
    public async Task List_is_ordered_by_created_at_then_id_with_total_count_and_pages()
    {
        var created = new List<ResourceView>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await _client.CreateAsync($"list {i}"));
        }
        // Parallel creates make equal timestamps likely, so the id tie-break is exercised too.
        created.AddRange(await Task.WhenAll(Enumerable.Range(0, 12).Select(i => _client.CreateAsync($"list parallel {i}"))));

        var all = await _client.FetchAsync("/api/resources");
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal("application/json", all.Message.Content.Headers.ContentType?.MediaType);
        var items = all.Resources;
        var total = int.Parse(all.Header("X-Total-Count")!);
        Assert.Equal(items.Count, total);
        Assert.True(total >= created.Count);
        var expected = items.OrderBy(r => r.CreatedAt, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, items);
        Assert.Subset(items.Select(r => r.Id).ToHashSet(), created.Select(r => r.Id).ToHashSet());

        var pages = new List<ResourceView>();
        for (var offset = 0; offset < total; offset += 3)
        {
            var page = await _client.FetchAsync($"/api/resources?offset={offset}&limit=3");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal(total.ToString(), page.Header("X-Total-Count"));
            Assert.InRange(page.Resources.Count, 1, 3);
            pages.AddRange(page.Resources);
        }
        Assert.Equal(items, pages);

        var beyond = await _client.FetchAsync($"/api/resources?offset={total + 5}&limit=10");
        Assert.Equal(HttpStatusCode.OK, beyond.Status);
        Assert.Empty(beyond.Resources);
        Assert.Equal(total.ToString(), beyond.Header("X-Total-Count"));
    }

    [Fact]
    public async Task Default_limit_is_100_and_limits_1_and_1000_are_accepted()
    {
        while ((await _client.ListAllAsync()).Count < 101)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _client.CreateAsync($"fill {i}")));
        }
        Assert.Equal(100, (await _client.FetchAsync("/api/resources")).Resources.Count);
        Assert.Single((await _client.FetchAsync("/api/resources?limit=1")).Resources);
        var max = await _client.FetchAsync("/api/resources?limit=1000&offset=0");
        Assert.Equal(HttpStatusCode.OK, max.Status);
        Assert.Equal(int.Parse(max.Header("X-Total-Count")!), max.Resources.Count);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=abc", "offset")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("limit=99999999999", "limit")]
    [InlineData("offset=", "offset")]
    [InlineData("limit=0x10", "limit")]
    [InlineData("limit=%26h10", "limit")]
    [InlineData("limit=%2310", "limit")]
    [InlineData("limit=%2B5", "limit")]
    [InlineData("limit=%205", "limit")]
    [InlineData("offset=1%20", "offset")]
    [InlineData("offset=--1", "offset")]
    [InlineData("offset=-", "offset")]
    [InlineData("limit=%EF%BC%95", "limit")]
    public async Task Bad_paging_is_a_validation_error_naming_the_parameter(string query, string field)
    {
        var problem = (await _client.FetchAsync($"/api/resources?{query}")).AssertProblem(422, "ValidationError");
        Assert.Contains(field, problem.ErrorKeys());
    }

    [Theory]
    [InlineData("limit=007", 7)]
    [InlineData("offset=00&limit=3", 3)]
    [InlineData("offset=-0&limit=2", 2)]
    public async Task Plain_decimal_paging_binds_leading_zeros_included(string query, int expected)
    {
        for (var i = 0; i < expected; i++)
        {
            await _client.CreateAsync($"plain paging {i}");
        }
        var page = await _client.FetchAsync($"/api/resources?{query}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(expected, page.Resources.Count);
    }

    /// <summary>
    /// Every bad value is quoted back cut short, whitespace-only ones included, so 15,000
    /// vertical tabs do not come back.
    /// </summary>
    [Theory]
    [InlineData("limit")]
    [InlineData("offset")]
    public async Task A_long_bad_paging_value_is_quoted_back_cut_short(string field)
    {
        foreach (var padding in new[] { "%0B", "%20", "9" })
        {
            var value = string.Concat(Enumerable.Repeat(padding, 15_000));
            var response = await _client.FetchAsync($"/api/resources?{field}={value}");
            var problem = response.AssertProblem(422, "ValidationError");
            Assert.Contains(field, problem.ErrorKeys());
            Assert.True(response.Body.Length < 2_048, $"{field}={padding}…: {response.Body.Length} characters answered");
        }
    }

    [Fact]
    public async Task Both_bad_paging_values_are_reported_together()
    {
        var problem = (await _client.FetchAsync("/api/resources?offset=-1&limit=0")).AssertProblem(422, "ValidationError");
        Assert.Equal(["limit", "offset"], problem.ErrorKeys().Order().ToArray());
    }

    [Fact]
    public async Task Following_next_cursors_walks_the_whole_list_in_order_once()
    {
        for (var i = 0; i < 7; i++)
        {
            (await _client.PostAsJsonAsync("/api/resources", new { name = $"cursor-{i}" })).EnsureSuccessStatusCode();
        }
        var expected = (await _client.GetFromJsonAsync<JsonElement[]>("/api/resources?limit=1000"))!.Select(r => r.GetProperty("id").GetString()).ToArray();

        var seen = new List<string?>();
        var response = await _client.GetAsync("/api/resources?limit=3");
        while (true)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected.Length.ToString(), response.Headers.GetValues("X-Total-Count").Single());
            var page = (await response.Content.ReadFromJsonAsync<JsonElement[]>())!;
            seen.AddRange(page.Select(r => r.GetProperty("id").GetString()));
            if (!response.Headers.TryGetValues("X-Next-Cursor", out var next))
            {
                Assert.True(page.Length < 3);
                break;
            }
            Assert.Contains("rel=\"next\"", response.Headers.GetValues("Link").Single());
            response = await _client.GetAsync($"/api/resources?limit=3&cursor={Uri.EscapeDataString(next.Single())}");
        }
        Assert.Equal(expected, seen);
    }

    [Theory]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=djE6MTIzOmJhZA", "cursor")]
    [InlineData("cursor=djE6MTAwMDowMWEyMTRjZC0wYmIyLTdmYTMtOWU4MC02OTJhM2FmZmY4YmQ&offset=5", "offset")]
    public async Task A_bad_cursor_or_a_cursor_with_an_offset_is_a_validation_error(string query, string field)
    {
        var response = await _client.GetAsync($"/api/resources?{query}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ValidationError", problem.GetProperty("error").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }
}

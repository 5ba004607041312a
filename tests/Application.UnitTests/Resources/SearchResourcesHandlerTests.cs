using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.SearchResources;

namespace CrudCqrs.Application.UnitTests.Resources;

public sealed class SearchResourcesHandlerTests : ResourceHandlerTestBase
{
    private async Task<PagedResult> SearchAsync(string? text, int offset = 0, int limit = 100) =>
        await Store.Search.Handle(new SearchResourcesQuery(text, offset, limit), CancellationToken.None);

    private async Task<string[]> NamesFoundAsync(string? text) =>
        (await SearchAsync(text)).Items.Select(r => r.Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Matches_name_or_description_case_insensitively_as_a_substring()
    {
        await CreateAsync("Frontend App", "React frontend");
        await CreateAsync("Backend API", "serves the FRONTEND");
        await CreateAsync("Database", null);
        await CreateAsync("Äpfel", "Birnen");

        Assert.Equal(new[] { "Backend API", "Frontend App" }, await NamesFoundAsync("frontend"));
        Assert.Equal(new[] { "Backend API", "Frontend App" }, await NamesFoundAsync("FrOnTeNd"));
        Assert.Equal(new[] { "Frontend App" }, await NamesFoundAsync("end app"));
        Assert.Equal(new[] { "Backend API" }, await NamesFoundAsync("serves"));
        Assert.Equal(new[] { "Database" }, await NamesFoundAsync("tabas"));
        Assert.Equal(new[] { "Äpfel" }, await NamesFoundAsync("äPFEL"));
        Assert.Equal(new[] { "Äpfel" }, await NamesFoundAsync("birnen"));
        Assert.Empty(await NamesFoundAsync("nothing like this"));
    }

    [Fact]
    public async Task Surrounding_whitespace_in_the_query_is_ignored_and_a_blank_query_matches_everything()
    {
        await CreateAsync("Frontend App");
        await CreateAsync("Backend");

        Assert.Equal(new[] { "Frontend App" }, await NamesFoundAsync("  front  "));
        Assert.Equal(new[] { "Backend", "Frontend App" }, await NamesFoundAsync(null));
        Assert.Equal(new[] { "Backend", "Frontend App" }, await NamesFoundAsync(""));
        Assert.Equal(new[] { "Backend", "Frontend App" }, await NamesFoundAsync("   "));
    }

    [Theory]
    [InlineData("%", "100% done", "literal a%d")]
    [InlineData("_", "snake_case")]
    [InlineData(".*", "regex a.*b")]
    [InlineData("[", "bracket [x]")]
    [InlineData("[x]", "bracket [x]")]
    [InlineData("^", "caret ^ here")]
    [InlineData("\\", "back\\slash")]
    [InlineData("'", "it's quoted")]
    [InlineData("a%d", "literal a%d")]
    public async Task Wildcard_and_pattern_characters_are_plain_text(string query, params string[] expected)
    {
        foreach (var name in new[] { "100% done", "snake_case", "regex a.*b", "bracket [x]", "caret ^ here",
                     "back\\slash", "it's quoted", "literal a%d", "abcd", "plain x" })
        {
            await CreateAsync(name);
        }

        Assert.Equal(expected, await NamesFoundAsync(query));
    }

    [Fact]
    public async Task A_forward_dependency_moves_only_the_two_ends_it_must_swap()
    {
        // Created oldest first: a, b, c, then a is rewired to depend on c; d depends on b.
        // Only a (with nothing depending on it) and c (depending on nothing) lie in the way: c
        // takes a's place and a takes c's, b and d stay where creation put them.
        var a = await CreateAsync("node a");
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await CreateAsync("node b");
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var c = await CreateAsync("node c");
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var d = await CreateAsync("node d", null, b);
        await SetDependenciesAsync(a, c);

        var found = await SearchAsync("node");

        Assert.Equal(new[] { c.Id, b.Id, a.Id, d.Id }, found.Items.Select(r => r.Id));
        Assert.Equal(4, found.TotalCount);
    }

    [Fact]
    public async Task Resources_created_in_the_same_millisecond_come_in_id_order()
    {
        var created = new List<ResourceDto>();
        for (var i = 0; i < 8; i++)
        {
            created.Add(await CreateAsync($"twin {i}"));
        }

        var found = await SearchAsync("twin");

        Assert.Equal(created.Select(r => r.Id.ToString()).Order(StringComparer.Ordinal), found.Items.Select(r => r.Id.ToString()));
    }

    [Fact]
    public async Task A_dependency_outside_the_results_does_not_hold_anything_back()
    {
        var hidden = await CreateAsync("hidden");
        var x = await CreateAsync("match x", null, hidden);
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var y = await CreateAsync("match y");

        var found = await SearchAsync("match");

        Assert.Equal(new[] { x.Id, y.Id }, found.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task Paging_applies_after_ordering()
    {
        // Newest first by creation, but each depends on the one created after it: the
        // topological order is the reverse of creation order.
        var created = new List<ResourceDto>();
        for (var i = 0; i < 6; i++)
        {
            Store.Clock.Advance(TimeSpan.FromSeconds(1));
            created.Add(await CreateAsync($"item {i}"));
        }
        for (var i = 0; i < 5; i++)
        {
            await SetDependenciesAsync(created[i], created[i + 1]);
        }
        await CreateAsync("not matching");
        var expected = created.Select(r => r.Id).Reverse().ToArray();

        var first = await SearchAsync("item", 0, 4);
        var second = await SearchAsync("item", 4, 4);

        Assert.Equal(expected[..4], first.Items.Select(r => r.Id));
        Assert.Equal(expected[4..], second.Items.Select(r => r.Id));
        Assert.Equal(6, first.TotalCount);
        Assert.Equal(6, second.TotalCount);
        Assert.Empty((await SearchAsync("item", 6, 4)).Items);
    }
}

using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.ListResources;

namespace CrudCqrs.Application.UnitTests.Resources;

public sealed class ListResourcesHandlerTests : ResourceHandlerTestBase
{
    private async Task<PagedResult> ListAsync(int offset, int limit) =>
        await Store.List.Handle(new ListResourcesQuery(offset, limit), CancellationToken.None);

    /// <summary>Seven resources over three creation times, so several share a time and id breaks the tie.</summary>
    private async Task<List<ResourceDto>> CreateSevenAsync()
    {
        var created = new List<ResourceDto>();
        foreach (var minute in new[] { 2, 0, 2, 1, 0, 2, 1 })
        {
            Store.Clock.Now = SqliteHandlers.Start.AddMinutes(minute);
            created.Add(await CreateAsync($"created at minute {minute}"));
        }
        return created;
    }

    private static List<Guid> ExpectedOrder(IEnumerable<ResourceDto> resources) =>
        resources.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id.ToString(), StringComparer.Ordinal).Select(r => r.Id).ToList();

    [Fact]
    public async Task Lists_by_creation_time_then_id_with_the_total()
    {
        var expected = ExpectedOrder(await CreateSevenAsync());

        var page = await ListAsync(0, 100);

        Assert.Equal(expected, page.Items.Select(r => r.Id));
        Assert.Equal(7, page.TotalCount);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(3, 3)]
    [InlineData(6, 3)]
    [InlineData(2, 1)]
    [InlineData(7, 5)]
    [InlineData(100, 1)]
    public async Task Pages_are_slices_of_the_whole_order_and_always_carry_the_full_total(int offset, int limit)
    {
        var expected = ExpectedOrder(await CreateSevenAsync());

        var page = await ListAsync(offset, limit);

        Assert.Equal(expected.Skip(offset).Take(limit), page.Items.Select(r => r.Id));
        Assert.Equal(7, page.TotalCount);
    }

    [Fact]
    public async Task An_empty_store_lists_nothing()
    {
        var page = await ListAsync(0, 10);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.TotalCount);
    }

    [Fact]
    public async Task Listed_resources_carry_their_dependencies_and_current_version()
    {
        var a = await CreateAsync("a");
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await CreateAsync("b", null, a);
        var updated = await SetDependenciesAsync(b);

        var page = await ListAsync(0, 10);

        AssertSameResource(a, page.Items[0]);
        AssertSameResource(updated, page.Items[1]);
    }
}

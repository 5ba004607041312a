using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Application.Resources.SearchResources;
using CrudCqrs.Application.Resources.UpdateResource;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.UnitTests.Resources;

/// <summary>
/// Search pages in SQL, in creation order, only while no dependency points at a later resource;
/// either way every page equals the reference: the whole match set ordered by
/// <see cref="DependencyGraph.TopologicalOrder"/>, then paged.
/// </summary>
public sealed class SearchCreationOrderTests : ResourceHandlerTestBase
{
    private static readonly string?[] Texts = [null, "node", "tagged", "node 1", "zzz"];
    private static readonly (int Offset, int Limit)[] Pages = [(0, 100), (0, 7), (7, 7), (35, 10), (200, 5)];

    [Fact]
    public async Task Pages_equal_the_reference_order_whether_or_not_a_dependency_points_forward()
    {
        var random = new Random(20261126);
        var created = new List<ResourceDto>();
        for (var i = 0; i < 40; i++)
        {
            // Often in the same millisecond: ids issued within one still follow creation order.
            Store.Clock.Advance(TimeSpan.FromMilliseconds(random.Next(2)));
            var dependencies = created.Where(_ => random.Next(8) == 0).Take(3).ToArray();
            created.Add(await CreateAsync($"node {i}", i % 2 == 0 ? "tagged" : null, dependencies));
        }
        Assert.True(await CreationOrderIsUsedAsync());
        await AssertEveryPageMatchesTheReferenceAsync();

        // An old resource now depends on a new one: creation order is no longer topological.
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var late = await CreateAsync("node late", "tagged");
        var old = created[3];
        await SetDependencyIdsAsync(old, [.. await DependencyIdsOf(old), late.Id]);
        Assert.False(await CreationOrderIsUsedAsync());
        await AssertEveryPageMatchesTheReferenceAsync();

        // Taking that dependency away again restores the fast path.
        await SetDependencyIdsAsync(old, (await DependencyIdsOf(old)).Where(id => id != late.Id));
        Assert.True(await CreationOrderIsUsedAsync());
        await AssertEveryPageMatchesTheReferenceAsync();

        // Deleting the later resource removes the edge with it (ON DELETE CASCADE fires the trigger).
        await SetDependencyIdsAsync(created[10], [.. await DependencyIdsOf(created[10]), late.Id]);
        Assert.False(await CreationOrderIsUsedAsync());
        await Store.Delete.Handle(new DeleteResourceCommand(late.Id, Cascade: false, IfMatch: null), CancellationToken.None);
        Assert.True(await CreationOrderIsUsedAsync());
        await AssertEveryPageMatchesTheReferenceAsync();
    }

    [Fact]
    public async Task Between_equal_creation_times_the_larger_id_counts_as_later()
    {
        var first = await CreateAsync("same time a");
        var second = await CreateAsync("same time b");
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        var (smaller, larger) = string.CompareOrdinal(first.Id, second.Id) < 0 ? (first, second) : (second, first);

        await SetDependenciesAsync(larger, smaller);
        Assert.True(await CreationOrderIsUsedAsync());

        await SetDependenciesAsync(larger);
        await SetDependenciesAsync(smaller, larger);
        Assert.False(await CreationOrderIsUsedAsync());
        await AssertEveryPageMatchesTheReferenceAsync();
    }

    private async Task<bool> CreationOrderIsUsedAsync() =>
        await Store.Repository.SearchInCreationOrderAsync(null, 0, 1, CancellationToken.None) is not null;

    private async Task<IReadOnlyList<string>> DependencyIdsOf(ResourceDto resource) => (await GetAsync(resource)).Dependencies;

    private async Task SetDependencyIdsAsync(ResourceDto resource, IEnumerable<string> ids) =>
        await Store.Update.Handle(new UpdateResourceCommand(resource.Id, null, null, ids.ToArray()), CancellationToken.None);

    private async Task AssertEveryPageMatchesTheReferenceAsync()
    {
        foreach (var text in Texts)
        {
            var ordered = DependencyGraph.TopologicalOrder(await Store.Repository.SearchAsync(text, CancellationToken.None));
            foreach (var (offset, limit) in Pages)
            {
                var page = await Store.Search.Handle(new SearchResourcesQuery(text, offset, limit), CancellationToken.None);
                Assert.Equal(ordered.Count, page.TotalCount);
                Assert.Equal(
                    ordered.Skip(offset).Take(limit).Select(r => r.Id.ToString()),
                    page.Items.Select(r => r.Id));
            }
        }
    }
}

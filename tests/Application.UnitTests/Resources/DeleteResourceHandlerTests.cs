using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.UnitTests.Resources;

public sealed class DeleteResourceHandlerTests : ResourceHandlerTestBase
{
    private async Task<int> DeleteAsync(string id, bool cascade = false, string? ifMatch = null) =>
        (await Store.Delete.Handle(new DeleteResourceCommand(id, cascade, ifMatch), CancellationToken.None)).DeletedCount;

    [Fact]
    public async Task Without_cascade_removes_the_id_from_dependents_and_moves_their_version_and_updated_time()
    {
        var doomed = await CreateAsync("doomed");
        var other = await CreateAsync("other");
        var dependent = await CreateAsync("dependent", null, other, doomed);
        var indirect = await CreateAsync("indirect", null, dependent);
        var unrelated = await CreateAsync("unrelated", null, other);
        Store.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, await DeleteAsync(doomed.Id.ToString()));

        Assert.False(await ExistsAsync(doomed));
        var cleaned = await GetAsync(dependent);
        Assert.Equal(new[] { other.Id }, cleaned.Dependencies);
        Assert.Equal("\"2\"", cleaned.ETag);
        Assert.Equal(Store.Clock.Now.UtcDateTime, cleaned.UpdatedAt);
        AssertSameResource(indirect, await GetAsync(indirect));
        AssertSameResource(unrelated, await GetAsync(unrelated));
        AssertSameResource(other, await GetAsync(other));
    }

    [Fact]
    public async Task Dependents_updated_time_moves_forward_even_when_the_clock_does_not()
    {
        var doomed = await CreateAsync("doomed");
        var dependent = await CreateAsync("dependent", null, doomed);

        await DeleteAsync(doomed.Id.ToString());

        var cleaned = await GetAsync(dependent);
        Assert.Equal(dependent.UpdatedAt.AddMilliseconds(1), cleaned.UpdatedAt);
        Assert.Equal("\"2\"", cleaned.ETag);
    }

    [Fact]
    public async Task With_cascade_deletes_exactly_the_transitive_dependents()
    {
        // root <- a <- b, root <- c (c also depends on the survivor), e on b and the survivor,
        // f on both a and c (reached twice, deleted once); d depends on the survivor only.
        var root = await CreateAsync("root");
        var survivor = await CreateAsync("survivor");
        var a = await CreateAsync("a", null, root);
        var b = await CreateAsync("b", null, a);
        var c = await CreateAsync("c", null, survivor, root);
        var d = await CreateAsync("d", null, survivor);
        var e = await CreateAsync("e", null, b, survivor);
        var f = await CreateAsync("f", null, a, c);

        Assert.Equal(6, await DeleteAsync(root.Id.ToString(), cascade: true));

        foreach (var gone in new[] { root, a, b, c, e, f })
        {
            Assert.False(await ExistsAsync(gone), $"{gone.Name} should be deleted");
        }
        AssertSameResource(survivor, await GetAsync(survivor));
        AssertSameResource(d, await GetAsync(d));
        Assert.Equal(2, await Store.Repository.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Cascade_on_a_resource_without_dependents_deletes_only_it()
    {
        var dependency = await CreateAsync("dependency");
        var leaf = await CreateAsync("leaf", null, dependency);

        Assert.Equal(1, await DeleteAsync(leaf.Id.ToString(), cascade: true));

        Assert.False(await ExistsAsync(leaf));
        AssertSameResource(dependency, await GetAsync(dependency));
    }

    [Fact]
    public async Task A_mismatched_If_Match_fails_the_precondition_and_nothing_is_deleted()
    {
        var resource = await CreateAsync("resource");
        var dependent = await CreateAsync("dependent", null, resource);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => DeleteAsync(resource.Id.ToString(), cascade: true, ifMatch: "\"2\""));

        AssertSameResource(resource, await GetAsync(resource));
        AssertSameResource(dependent, await GetAsync(dependent));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"1\"")]
    public async Task A_matching_If_Match_lets_the_delete_through(string ifMatch)
    {
        var resource = await CreateAsync("resource");

        Assert.Equal(1, await DeleteAsync(resource.Id.ToString(), ifMatch: ifMatch));
        Assert.False(await ExistsAsync(resource));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c")]
    public async Task Deleting_a_missing_resource_is_not_found(string id)
    {
        await CreateAsync("existing");

        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() => DeleteAsync(id));

        Assert.Equal(id, error.ResourceId);
        Assert.Equal(1, await Store.Repository.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_twice_is_not_found_the_second_time()
    {
        var resource = await CreateAsync("resource");
        await DeleteAsync(resource.Id.ToString());

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => DeleteAsync(resource.Id.ToString()));
    }
}

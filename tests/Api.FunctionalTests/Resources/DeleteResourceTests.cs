using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Resources;

public sealed class DeleteResourceTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Fact]
    public async Task Delete_answers_204_with_no_body_and_the_resource_is_gone()
    {
        var a = await _client.CreateAsync("delete me");

        var response = await _client.DeleteResourceAsync(a.Id);

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
        Assert.Equal("", response.Body);
        (await _client.GetResourceAsync(a.Id)).AssertProblem(404, "NotFoundError");
        var again = (await _client.DeleteResourceAsync(a.Id)).AssertProblem(404, "NotFoundError");
        Assert.Equal(a.Id, again.GetProperty("resourceId").GetString());
    }

    [Fact]
    public async Task Delete_without_cascade_removes_the_id_from_every_dependent_and_moves_their_updated_at()
    {
        var keep = await _client.CreateAsync("nc keep");
        var target = await _client.CreateAsync("nc target");
        var first = await _client.PostAsync(new { name = "nc first", dependencies = new[] { keep.Id, target.Id } });
        var second = await _client.PostAsync(new { name = "nc second", dependencies = new[] { target.Id } });
        var grandchild = await _client.CreateAsync("nc grandchild", null, second.Resource.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteResourceAsync(target.Id, cascade: false)).Status);

        var firstAfter = await _client.GetResourceAsync(first.Resource.Id);
        Assert.Equal([keep.Id], firstAfter.Resource.Dependencies);
        Assert.True(string.CompareOrdinal(firstAfter.Resource.UpdatedAt, first.Resource.UpdatedAt) > 0);
        Assert.NotEqual(first.ETag, firstAfter.ETag);
        var secondAfter = await _client.GetResourceAsync(second.Resource.Id);
        Assert.Empty(secondAfter.Resource.Dependencies);
        Assert.NotEqual(second.ETag, secondAfter.ETag);
        Assert.Equal([second.Resource.Id], (await _client.GetResourceAsync(grandchild.Id)).Resource.Dependencies);
        Assert.Equal(keep, (await _client.GetResourceAsync(keep.Id)).Resource);
        await GraphAssert.IsConsistentAsync(_client);
    }

    [Fact]
    public async Task Delete_with_cascade_removes_transitive_dependents_only()
    {
        // base <- root <- child <- grandchild -> other <- sibling; unrelated stands alone.
        var @base = await _client.CreateAsync("c base");
        var root = await _client.CreateAsync("c root", null, @base.Id);
        var child = await _client.CreateAsync("c child", null, root.Id);
        var other = await _client.CreateAsync("c other");
        var grandchild = await _client.CreateAsync("c grandchild", null, child.Id, other.Id);
        var sibling = await _client.CreateAsync("c sibling", null, other.Id);
        var diamond = await _client.CreateAsync("c diamond", null, root.Id, grandchild.Id);
        var unrelated = await _client.CreateAsync("c unrelated");

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteResourceAsync(root.Id, cascade: true)).Status);

        foreach (var gone in new[] { root, child, grandchild, diamond })
        {
            (await _client.GetResourceAsync(gone.Id)).AssertProblem(404, "NotFoundError");
        }
        foreach (var kept in new[] { @base, other, sibling, unrelated })
        {
            Assert.Equal(kept, (await _client.GetResourceAsync(kept.Id)).Resource);
        }
        await GraphAssert.IsConsistentAsync(_client);
    }

    [Fact]
    public async Task Cascade_false_in_the_query_is_the_same_as_no_cascade()
    {
        var target = await _client.CreateAsync("q target");
        var dependent = await _client.CreateAsync("q dependent", null, target.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteResourceAsync(target.Id)).Status);
        Assert.Empty((await _client.GetResourceAsync(dependent.Id)).Resource.Dependencies);
    }

    [Fact]
    public async Task Stale_if_match_is_412_and_nothing_is_deleted()
    {
        var created = await _client.PostAsync(new { name = "guarded delete" });
        var dependent = await _client.CreateAsync("guarded dependent", null, created.Resource.Id);
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(created.Resource.Id, new { description = "moved on" })).Status);
        var snapshot = await _client.SnapshotAsync();

        (await _client.DeleteResourceAsync(created.Resource.Id, cascade: true, ifMatch: created.ETag)).AssertProblem(412, "PreconditionFailed");
        (await _client.DeleteResourceAsync(created.Resource.Id, ifMatch: "\"999999\"")).AssertProblem(412, "PreconditionFailed");

        Assert.Equal(snapshot, await _client.SnapshotAsync());
        var current = await _client.GetResourceAsync(created.Resource.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteResourceAsync(created.Resource.Id, ifMatch: current.ETag)).Status);
        Assert.Empty((await _client.GetResourceAsync(dependent.Id)).Resource.Dependencies);
    }

    [Fact]
    public async Task Unknown_id_is_404_naming_the_id()
    {
        var id = Guid.NewGuid().ToString();
        var problem = (await _client.DeleteResourceAsync(id, cascade: true)).AssertProblem(404, "NotFoundError");
        Assert.Equal(id, problem.GetProperty("resourceId").GetString());
    }
}

using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Resources;

public sealed class UpdateResourceTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Fact]
    public async Task Put_answers_200_with_the_new_state_and_a_new_etag_and_moves_updated_at()
    {
        var dep = await _client.CreateAsync("update dep");
        var created = await _client.PostAsync(new { name = "before", description = "old" });
        var original = created.Resource;

        var response = await _client.PutAsync(original.Id, new { name = "  after ", description = "new", dependencies = new[] { dep.Id } });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var updated = response.Resource;
        Assert.Equal(original.Id, updated.Id);
        Assert.Equal("after", updated.Name);
        Assert.Equal("new", updated.Description);
        Assert.Equal([dep.Id], updated.Dependencies);
        Assert.Equal(original.CreatedAt, updated.CreatedAt);
        Assert.Matches(ApiCalls.UtcMillisecondsPattern(), updated.UpdatedAt);
        Assert.True(string.CompareOrdinal(updated.UpdatedAt, original.UpdatedAt) > 0, $"{updated.UpdatedAt} after {original.UpdatedAt}");
        Assert.NotEqual(created.ETag, response.ETag);
        Assert.False(string.IsNullOrEmpty(response.ETag));
        Assert.Equal(updated, (await _client.GetResourceAsync(original.Id)).Resource);
        Assert.Equal(response.ETag, (await _client.GetResourceAsync(original.Id)).ETag);
    }

    [Fact]
    public async Task Updated_at_moves_on_every_update_even_in_quick_succession()
    {
        var resource = await _client.CreateAsync("quick");
        var previous = resource.UpdatedAt;
        for (var i = 0; i < 5; i++)
        {
            var next = (await _client.PutAsync(resource.Id, new { name = $"quick {i}" })).Resource.UpdatedAt;
            Assert.True(string.CompareOrdinal(next, previous) > 0, $"{next} after {previous}");
            previous = next;
        }
    }

    public static TheoryData<string> NoOpBodies => new()
    {
        "{}",
        """{"name":null,"description":null,"dependencies":null}""",
        """{"name":"  no-op ","description":"stays"}""",
        """{"unknown":"member"}""",
    };

    [Theory]
    [MemberData(nameof(NoOpBodies))]
    public async Task An_update_that_changes_nothing_answers_the_stored_resource_with_the_same_etag_and_writes_nothing(string body)
    {
        var dependency = await _client.CreateAsync("no-op dep");
        var created = await _client.PostAsync(new { name = "no-op", description = "stays", dependencies = new[] { dependency.Id } });
        var snapshot = await _client.SnapshotAsync();
        var url = $"{ApiCalls.Resources}/{created.Resource.Id}";

        var response = await _client.SendAsync(HttpMethod.Put, url, ApiCalls.RawJson(body));
        var sameList = await _client.PutAsync(created.Resource.Id, new { dependencies = new[] { dependency.Id } }, ifMatch: created.ETag);

        foreach (var answer in new[] { response, sameList })
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(created.ETag, answer.ETag);
            Assert.Equal(created.Resource, answer.Resource);
        }
        Assert.Equal(snapshot, await _client.SnapshotAsync());
        Assert.Equal(created.ETag, (await _client.GetResourceAsync(created.Resource.Id)).ETag);
    }

    [Fact]
    public async Task Absent_and_null_fields_keep_their_values()
    {
        var dep = await _client.CreateAsync("keep dep");
        var resource = await _client.CreateAsync("keep", "kept description", dep.Id);

        var empty = await _client.PutAsync(resource.Id, new { });
        Assert.Equal(HttpStatusCode.OK, empty.Status);
        Assert.Equal(("keep", "kept description"), (empty.Resource.Name, empty.Resource.Description));
        Assert.Equal([dep.Id], empty.Resource.Dependencies);

        var nulls = await _client.SendAsync(HttpMethod.Put, $"{ApiCalls.Resources}/{resource.Id}",
            ApiCalls.RawJson("""{"name":null,"description":null,"dependencies":null}"""));
        Assert.Equal(HttpStatusCode.OK, nulls.Status);
        Assert.Equal(("keep", "kept description"), (nulls.Resource.Name, nulls.Resource.Description));
        Assert.Equal([dep.Id], nulls.Resource.Dependencies);

        var onlyName = await _client.PutAsync(resource.Id, new { name = "renamed" });
        Assert.Equal(("renamed", "kept description"), (onlyName.Resource.Name, onlyName.Resource.Description));
        Assert.Equal([dep.Id], onlyName.Resource.Dependencies);
    }

    [Fact]
    public async Task Empty_dependency_list_clears_and_a_list_replaces_in_order()
    {
        var a = await _client.CreateAsync("replace a");
        var b = await _client.CreateAsync("replace b");
        var c = await _client.CreateAsync("replace c");
        var resource = await _client.CreateAsync("replace", null, a.Id, b.Id);

        var replaced = await _client.PutAsync(resource.Id, new { dependencies = new[] { c.Id, a.Id } });
        Assert.Equal([c.Id, a.Id], replaced.Resource.Dependencies);

        var cleared = await _client.PutAsync(resource.Id, new { dependencies = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Assert.Empty(cleared.Resource.Dependencies);
        Assert.Empty((await _client.GetResourceAsync(resource.Id)).Resource.Dependencies);
    }

    [Theory]
    [InlineData("")]
    [InlineData("    ")]
    public async Task Blank_description_becomes_null(string blank)
    {
        var resource = await _client.CreateAsync("blank it", "something");
        var response = await _client.PutAsync(resource.Id, new { description = blank });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.Resource.Description);
        Assert.Null((await _client.GetResourceAsync(resource.Id)).Resource.Description);
    }

    [Fact]
    public async Task Matching_if_match_updates_and_stale_if_match_is_412_and_changes_nothing()
    {
        var created = await _client.PostAsync(new { name = "etag guarded" });
        var id = created.Resource.Id;

        var ok = await _client.PutAsync(id, new { name = "v2" }, ifMatch: created.ETag);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        var snapshot = await _client.SnapshotAsync();

        var stale = await _client.PutAsync(id, new { name = "v3", dependencies = Array.Empty<string>() }, ifMatch: created.ETag);

        stale.AssertProblem(412, "PreconditionFailed");
        Assert.Equal(snapshot, await _client.SnapshotAsync());
        Assert.Equal(ok.ETag, (await _client.GetResourceAsync(id)).ETag);

        var star = await _client.PutAsync(id, new { name = "v3" }, ifMatch: "*");
        Assert.Equal(HttpStatusCode.OK, star.Status);
        var list = await _client.PutAsync(id, new { name = "v4" }, ifMatch: $"\"nope\", {star.ETag}");
        Assert.Equal(HttpStatusCode.OK, list.Status);
    }

    [Fact]
    public async Task Unknown_id_is_404_naming_the_id()
    {
        var id = Guid.NewGuid().ToString();
        var problem = (await _client.PutAsync(id, new { name = "x" })).AssertProblem(404, "NotFoundError");
        Assert.Equal(id, problem.GetProperty("resourceId").GetString());
    }

    [Fact]
    public async Task Two_node_cycle_is_422_with_the_cycle_and_nothing_changes()
    {
        var a = await _client.CreateAsync("cycle a");
        var b = await _client.CreateAsync("cycle b", null, a.Id);
        var snapshot = await _client.SnapshotAsync();

        var response = await _client.PutAsync(a.Id, new { name = "renamed too", dependencies = new[] { b.Id } });

        var problem = response.AssertProblem(422, "CircularDependencyError");
        Assert.Equal([a.Id, b.Id, a.Id], problem.GetProperty("cycle").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal($"/api/resources/{a.Id}", problem.GetProperty("instance").GetString());
        Assert.Equal(snapshot, await _client.SnapshotAsync());
    }

    [Fact]
    public async Task A_cycle_through_a_long_chain_answers_the_ends_of_its_path_and_its_length_in_a_small_body()
    {
        // first <- r1 <- ... <- r59: first depending on the last closes a cycle through 60 resources.
        var first = await _client.CreateAsync("chain 0");
        var chain = new List<string> { first.Id };
        for (var i = 1; i < 60; i++)
        {
            chain.Add((await _client.CreateAsync($"chain {i}", null, chain[^1])).Id);
        }
        var snapshot = await _client.SnapshotAsync();

        var response = await _client.PutAsync(first.Id, new { dependencies = new[] { chain[^1] } });

        var problem = response.AssertProblem(422, "CircularDependencyError");
        var path = new[] { first.Id }.Concat(Enumerable.Reverse(chain)).ToArray();
        var shown = problem.GetProperty("cycle").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(path[..10].Concat(path[^10..]), shown);
        Assert.Equal(60, problem.GetProperty("cycleLength").GetInt32());
        Assert.True(problem.GetProperty("cycleTruncated").GetBoolean());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("60 resources", detail);
        Assert.DoesNotContain(path[1], detail);
        Assert.InRange(response.Body.Length, 0, 2048);
        Assert.Equal(snapshot, await _client.SnapshotAsync());
    }

    [Fact]
    public async Task A_short_cycle_answers_its_whole_path_once()
    {
        var a = await _client.CreateAsync("once a");
        var b = await _client.CreateAsync("once b", null, a.Id);

        var problem = (await _client.PutAsync(a.Id, new { dependencies = new[] { b.Id } })).AssertProblem(422, "CircularDependencyError");

        Assert.Equal(2, problem.GetProperty("cycleLength").GetInt32());
        Assert.False(problem.GetProperty("cycleTruncated").GetBoolean());
        Assert.DoesNotContain(b.Id, problem.GetProperty("detail").GetString()!);
    }

    [Fact]
    public async Task Longer_cycle_reports_the_path_from_the_updated_resource_back_to_itself()
    {
        // a <- b <- c <- d: a depending on d closes a -> d -> c -> b -> a.
        var a = await _client.CreateAsync("long a");
        var b = await _client.CreateAsync("long b", null, a.Id);
        var c = await _client.CreateAsync("long c", null, b.Id);
        var d = await _client.CreateAsync("long d", null, c.Id);
        var unrelated = await _client.CreateAsync("long unrelated");
        var snapshot = await _client.SnapshotAsync();

        var response = await _client.PutAsync(a.Id, new { dependencies = new[] { unrelated.Id, d.Id } });

        var cycle = response.AssertProblem(422, "CircularDependencyError").GetProperty("cycle").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal([a.Id, d.Id, c.Id, b.Id, a.Id], cycle);
        Assert.Equal(snapshot, await _client.SnapshotAsync());
    }

    [Fact]
    public async Task Self_dependency_is_a_validation_error()
    {
        var a = await _client.CreateAsync("self");
        var other = await _client.CreateAsync("self other");
        var snapshot = await _client.SnapshotAsync();

        var response = await _client.PutAsync(a.Id, new { dependencies = new[] { other.Id, a.Id } });

        Assert.Equal(["dependencies[1]"], response.AssertProblem(422, "ValidationError").ErrorKeys());
        Assert.Equal(snapshot, await _client.SnapshotAsync());
    }

    [Fact]
    public async Task Unknown_and_duplicate_dependencies_are_validation_errors_by_position()
    {
        var a = await _client.CreateAsync("upd known");
        var target = await _client.CreateAsync("upd target");
        var snapshot = await _client.SnapshotAsync();

        var unknown = await _client.PutAsync(target.Id, new { dependencies = new[] { a.Id, Guid.NewGuid().ToString() } });
        Assert.Equal(["dependencies[1]"], unknown.AssertProblem(422, "ValidationError").ErrorKeys());

        var duplicate = await _client.PutAsync(target.Id, new { dependencies = new[] { a.Id, a.Id } });
        Assert.Equal(["dependencies[1]"], duplicate.AssertProblem(422, "ValidationError").ErrorKeys());

        Assert.Equal(snapshot, await _client.SnapshotAsync());
    }

    [Fact]
    public async Task Reordering_existing_dependencies_is_not_a_cycle()
    {
        var a = await _client.CreateAsync("order a");
        var b = await _client.CreateAsync("order b");
        var c = await _client.CreateAsync("order c", null, a.Id, b.Id);
        var response = await _client.PutAsync(c.Id, new { dependencies = new[] { b.Id, a.Id } });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal([b.Id, a.Id], response.Resource.Dependencies);
    }
}

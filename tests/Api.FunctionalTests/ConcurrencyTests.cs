using CrudCqrs.Api.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace CrudCqrs.Api.FunctionalTests;

/// <summary>
/// Conflicting writers race through the in-memory server: the graph stays acyclic, no
/// dependency dangles, and every answer is one the contract allows.
/// </summary>
public sealed class ConcurrencyTests(PatientService factory) : IClassFixture<PatientService>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Fact]
    public async Task Opposite_edges_written_together_never_both_succeed()
    {
        var a = await _client.CreateAsync("race a");
        var b = await _client.CreateAsync("race b");
        for (var round = 0; round < 25; round++)
        {
            await Reset(a, b);
            var results = await Task.WhenAll(
                _client.PutAsync(a.Id, new { dependencies = new[] { b.Id } }),
                _client.PutAsync(b.Id, new { dependencies = new[] { a.Id } }));

            // From no edges, whichever commits first wins and the other would close a cycle.
            Assert.Equal([200, 422], results.Select(r => r.Code).Order().ToArray());
            results.Single(r => r.Code == 422).AssertProblem(422, "CircularDependencyError");
            await GraphAssert.IsConsistentAsync(_client);
        }
    }

    [Fact]
    public async Task Edges_of_a_three_cycle_written_together_leave_exactly_one_out()
    {
        var a = await _client.CreateAsync("tri a");
        var b = await _client.CreateAsync("tri b");
        var c = await _client.CreateAsync("tri c");
        for (var round = 0; round < 20; round++)
        {
            await Reset(a, b, c);
            var results = await Task.WhenAll(
                _client.PutAsync(a.Id, new { dependencies = new[] { b.Id } }),
                _client.PutAsync(b.Id, new { dependencies = new[] { c.Id } }),
                _client.PutAsync(c.Id, new { dependencies = new[] { a.Id } }));

            Assert.Equal([200, 200, 422], results.Select(r => r.Code).Order().ToArray());
            var cycle = results.Single(r => r.Code == 422).AssertProblem(422, "CircularDependencyError").GetProperty("cycle");
            Assert.Equal(4, cycle.GetArrayLength());
            Assert.Equal(cycle[0].GetString(), cycle[3].GetString());
            await GraphAssert.IsConsistentAsync(_client);
        }
    }

    [Fact]
    public async Task Random_conflicting_updates_keep_the_graph_acyclic()
    {
        var nodes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _client.CreateAsync($"random {i}")));
        var ids = nodes.Select(n => n.Id).ToArray();
        var random = new Random(42);
        var work = Enumerable.Range(0, 240).Select(_ =>
        {
            var target = ids[random.Next(ids.Length)];
            var deps = ids.Where(id => id != target && random.Next(3) == 0).ToArray();
            return (target, deps);
        }).ToArray();

        var codes = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, _) =>
        {
            var response = await _client.PutAsync(item.target, new { dependencies = item.deps });
            Assert.True(response.Code is 200 or 422, response.ToString());
            if (response.Code == 422)
            {
                response.AssertProblem(422, "CircularDependencyError");
            }
            codes.Add(response.Code);
        });

        Assert.Contains(200, codes);
        Assert.Contains(422, codes);
        await GraphAssert.IsConsistentAsync(_client);
    }

    [Fact]
    public async Task Creates_racing_deletes_of_their_dependencies_leave_nothing_dangling()
    {
        for (var round = 0; round < 5; round++)
        {
            var parents = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _client.CreateAsync($"parent {round}.{i}")));
            var random = new Random(round);
            var operations = new List<Func<Task<ApiResponse>>>();
            foreach (var parent in parents)
            {
                operations.Add(() => _client.DeleteResourceAsync(parent.Id, cascade: random.Next(2) == 0));
            }
            for (var i = 0; i < 24; i++)
            {
                var deps = parents.Where(_ => random.Next(3) == 0).Select(p => p.Id).ToArray();
                var name = $"child {round}.{i}";
                operations.Add(() => _client.PostAsync(new { name, dependencies = deps }));
            }
            for (var i = 0; i < 6; i++)
            {
                var target = parents[random.Next(parents.Length)].Id;
                var deps = parents.Where(p => p.Id != target && random.Next(3) == 0).Select(p => p.Id).ToArray();
                operations.Add(() => _client.PutAsync(target, new { dependencies = deps }));
            }
            var shuffled = operations.OrderBy(_ => random.Next()).ToArray();

            var results = await Task.WhenAll(shuffled.Select(op => Task.Run(op)));

            Assert.All(results, r => Assert.True(r.Code is 200 or 201 or 204 or 404 or 422, r.ToString()));
            foreach (var problem in results.Where(r => r.Code >= 400))
            {
                var json = problem.AssertProblem(problem.Code, problem.Code == 404 ? "NotFoundError" : problem.Json.GetProperty("error").GetString()!);
                if (problem.Code == 422)
                {
                    Assert.Contains(json.GetProperty("error").GetString(), new[] { "ValidationError", "CircularDependencyError" });
                }
            }
            var all = await GraphAssert.IsConsistentAsync(_client);
            Assert.DoesNotContain(all, r => parents.Any(p => p.Id == r.Id));
        }
    }

    [Fact]
    public async Task Parallel_updates_with_the_same_if_match_let_exactly_one_through()
    {
        var created = await _client.PostAsync(new { name = "optimistic" });
        var etag = created.ETag!;
        for (var round = 0; round < 10; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
                _client.PutAsync(created.Resource.Id, new { name = $"writer {round}.{i}" }, ifMatch: etag)));

            Assert.Single(results, r => r.Code == 200);
            Assert.All(results.Where(r => r.Code != 200), r => r.AssertProblem(412, "PreconditionFailed"));
            var winner = results.Single(r => r.Code == 200);
            var current = await _client.GetResourceAsync(created.Resource.Id);
            Assert.Equal(winner.Resource.Name, current.Resource.Name);
            Assert.Equal(winner.ETag, current.ETag);
            etag = current.ETag!;
        }
    }

    private async Task Reset(params ResourceView[] resources)
    {
        foreach (var resource in resources)
        {
            var response = await _client.PutAsync(resource.Id, new { dependencies = Array.Empty<string>() });
            Assert.Equal(200, response.Code);
        }
    }
}

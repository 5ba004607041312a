namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>The invariants of the store, checked on what the API returns.</summary>
public static class GraphAssert
{
    public static async Task<IReadOnlyList<ResourceView>> IsConsistentAsync(HttpClient client)
    {
        var all = await client.ListAllAsync();
        IsConsistent(all);
        return all;
    }

    public static void IsConsistent(IReadOnlyList<ResourceView> all)
    {
        var byId = all.ToDictionary(r => r.Id);
        foreach (var resource in all)
        {
            foreach (var dependency in resource.Dependencies)
            {
                Assert.True(byId.ContainsKey(dependency), $"{resource.Id} depends on missing {dependency}");
            }
            Assert.Equal(resource.Dependencies.Count, resource.Dependencies.Distinct().Count());
            Assert.DoesNotContain(resource.Id, resource.Dependencies);
        }
        var cycle = FindCycle(byId);
        Assert.True(cycle is null, $"cycle stored: {string.Join(" -> ", cycle ?? [])}");
    }

    /// <summary>Depth-first search with colours; returns a cycle's path if one exists.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, ResourceView> byId)
    {
        var state = new Dictionary<string, int>();
        var stack = new List<string>();
        foreach (var start in byId.Keys)
        {
            var found = Visit(start);
            if (found is not null)
            {
                return found;
            }
        }
        return null;

        List<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out var s))
            {
                if (s == 1)
                {
                    var from = stack.IndexOf(node);
                    return [.. stack[from..], node];
                }
                return null;
            }
            state[node] = 1;
            stack.Add(node);
            foreach (var next in byId.TryGetValue(node, out var r) ? r.Dependencies : [])
            {
                var found = Visit(next);
                if (found is not null)
                {
                    return found;
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
            return null;
        }
    }
}

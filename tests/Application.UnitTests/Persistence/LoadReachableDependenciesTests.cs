using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.UnitTests.Persistence;

/// <summary>What the cycle check reads: only the part of the graph reachable from the new dependencies.</summary>
public sealed class LoadReachableDependenciesTests : IDisposable
{
    private readonly SqliteHandlers _store = new();
    private readonly Dictionary<string, Guid> _ids = [];

    public void Dispose() => _store.Dispose();

    /// <summary>Adds resources straight through the repository, named so the tests read as graphs.</summary>
    private async Task AddAsync(string name, params string[] dependencies)
    {
        var id = Guid.CreateVersion7();
        _ids[name] = id;
        var resource = Resource.Create(id, name, null, dependencies.Select(d => _ids[d]).ToArray(), SqliteHandlers.Start);
        await _store.Repository.AddAsync(resource, CancellationToken.None);
    }

    private Task<IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>> LoadAsync(string[] roots, Guid stopAt) =>
        _store.Repository.LoadReachableDependenciesAsync(roots.Select(r => _ids[r]).ToArray(), stopAt, CancellationToken.None);

    private Dictionary<string, string[]> Named(IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> edges)
    {
        var names = _ids.ToDictionary(p => p.Value, p => p.Key);
        return edges.ToDictionary(p => names[p.Key], p => p.Value.Select(id => names[id]).ToArray());
    }

    private async Task AddUnrelatedComponentAsync(int size)
    {
        // A chain with extra cross edges, connected to nothing else.
        await using var transaction = await _store.Repository.BeginWriteAsync(CancellationToken.None);
        for (var i = 0; i < size; i++)
        {
            var dependencies = i == 0 ? [] : i < 3 ? new[] { $"u{i - 1}" } : [$"u{i - 1}", $"u{i / 2}"];
            await AddAsync($"u{i}", dependencies.Distinct().ToArray());
        }
        await transaction.CommitAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Returns_the_reachable_part_only_with_dependencies_in_stored_order()
    {
        await AddUnrelatedComponentAsync(400);
        await AddAsync("a");
        await AddAsync("b", "a");
        await AddAsync("c");
        await AddAsync("d", "c", "b");
        await AddAsync("side", "a");

        var edges = Named(await LoadAsync(["d"], stopAt: Guid.NewGuid()));

        Assert.Equal(new[] { "b", "d" }, edges.Keys.Order());
        Assert.Equal(new[] { "c", "b" }, edges["d"]);
        Assert.Equal(new[] { "a" }, edges["b"]);
    }

    [Fact]
    public async Task Does_not_expand_past_the_resource_being_updated()
    {
        await AddAsync("a");
        await AddAsync("b", "a");
        await AddAsync("c", "b");
        await AddAsync("d", "c");

        var edges = Named(await LoadAsync(["d"], stopAt: _ids["b"]));

        // d -> c -> b is walked; b is where the walk stops, so neither b's edges nor a appear.
        Assert.Equal(new[] { "c", "d" }, edges.Keys.Order());
        Assert.Equal(new[] { "b" }, edges["c"]);
        Assert.DoesNotContain(edges.Values, targets => targets.Contains("a"));
    }

    [Fact]
    public async Task Walks_from_every_root_and_ends_at_resources_without_dependencies()
    {
        await AddUnrelatedComponentAsync(50);
        await AddAsync("a");
        await AddAsync("b", "a");
        await AddAsync("x");
        await AddAsync("y", "x");

        var edges = Named(await LoadAsync(["b", "y", "a"], stopAt: Guid.NewGuid()));

        Assert.Equal(new[] { "b", "y" }, edges.Keys.Order());
        Assert.Equal(new[] { "a" }, edges["b"]);
        Assert.Equal(new[] { "x" }, edges["y"]);
    }
}

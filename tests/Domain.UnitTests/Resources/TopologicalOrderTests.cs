using CsCheck;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

public sealed class TopologicalOrderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Resources over a random DAG, with few distinct creation times (so ties are common),
    /// some dependencies on resources outside the set, and the same set in a second, shuffled order.
    /// </summary>
    private static readonly Gen<(Resource[] Resources, Resource[] Shuffled)> ResourceSets =
        TestGraphs.Dag(12).SelectMany(graph =>
            Gen.Select(Gen.Int[0, 3].Array[graph.Count], Gen.Int[0, 4].Array[graph.Count], Gen.Guid.Array[graph.Count], (minutes, outside, outsideIds) =>
                Enumerable.Range(0, graph.Count).Select(i =>
                {
                    var dependencies = graph.Edges[i].Select(j => graph.Ids[j]);
                    if (outside[i] == 0)
                    {
                        dependencies = dependencies.Append(outsideIds[i]);
                    }
                    return TestGraphs.NewResource(graph.Ids[i], Start.AddMinutes(minutes[i]), dependencies.ToArray());
                }).ToArray()))
        .SelectMany(resources => Gen.Select(Gen.Const(resources), Gen.Shuffle(resources.ToArray())));

    [Fact]
    public void Orders_dependencies_first_breaking_ties_by_creation_time_then_id_whatever_the_input_order()
    {
        ResourceSets.Sample((resources, shuffled) =>
        {
            var ordered = DependencyGraph.TopologicalOrder(resources);

            // A permutation of the input.
            Assert.Equal(resources.Select(r => r.Id).Order(), ordered.Select(r => r.Id).Order());

            // Every dependency inside the set comes before its dependent; outside ones are ignored.
            var position = ordered.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i);
            foreach (var resource in ordered)
            {
                foreach (var dependency in resource.Dependencies.Where(position.ContainsKey))
                {
                    Assert.True(position[dependency] < position[resource.Id]);
                }
            }

            // At each position: the earliest (created at, then id as lowercase text, ordinal)
            // of the resources whose dependencies in the set are all placed already.
            var placed = new HashSet<Guid>();
            foreach (var resource in ordered)
            {
                var expected = resources
                    .Where(r => !placed.Contains(r.Id) && r.Dependencies.All(d => placed.Contains(d) || !position.ContainsKey(d)))
                    .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id.ToString("D"), StringComparer.Ordinal)
                    .First();
                Assert.Equal(expected.Id, resource.Id);
                placed.Add(resource.Id);
            }

            Assert.Equal(ordered.Select(r => r.Id), DependencyGraph.TopologicalOrder(shuffled).Select(r => r.Id));
        }, iter: 2000);
    }

    [Fact]
    public void An_empty_set_gives_an_empty_order()
    {
        Assert.Empty(DependencyGraph.TopologicalOrder([]));
    }

    [Fact]
    public void Keeps_every_resource_even_when_corrupt_data_holds_a_cycle()
    {
        var a = TestGraphs.NewResource(Guid.Parse("00000000-0000-0000-0000-00000000000a"), Start);
        var b = TestGraphs.NewResource(Guid.Parse("00000000-0000-0000-0000-00000000000b"), Start);
        var c = TestGraphs.NewResource(Guid.Parse("00000000-0000-0000-0000-00000000000c"), Start);
        a = a with { Dependencies = [b.Id] };
        b = b with { Dependencies = [a.Id] };

        var ordered = DependencyGraph.TopologicalOrder([b, c, a]);

        Assert.Equal(new[] { c.Id, a.Id, b.Id }, ordered.Select(r => r.Id));
    }

    [Fact]
    public void A_dependency_created_later_still_comes_first()
    {
        var older = TestGraphs.NewResource(Guid.NewGuid(), Start);
        var newer = TestGraphs.NewResource(Guid.NewGuid(), Start.AddDays(1));
        older = older with { Dependencies = [newer.Id] };

        var ordered = DependencyGraph.TopologicalOrder([older, newer]);

        Assert.Equal(new[] { newer.Id, older.Id }, ordered.Select(r => r.Id));
    }
}

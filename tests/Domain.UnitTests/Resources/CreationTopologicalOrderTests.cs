using CsCheck;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

public sealed class CreationTopologicalOrderTests
{
    /// <summary>A random DAG relabelled by a random permutation: creation order then says nothing about the edges.</summary>
    private static readonly Gen<int[][]> Graphs =
        TestGraphs.Dag(14).SelectMany(graph => Gen.Shuffle(Enumerable.Range(0, graph.Count).ToArray()).Select(label =>
        {
            var relabelled = new int[graph.Count][];
            for (var i = 0; i < graph.Count; i++)
            {
                relabelled[label[i]] = graph.Edges[i].Select(j => label[j]).ToArray();
            }
            return relabelled;
        }));

    [Fact]
    public void Every_node_comes_once_and_after_all_of_its_dependencies()
    {
        Graphs.Sample(graph =>
        {
            var order = DependencyGraph.CreationTopologicalOrder(graph.Length, n => graph[n]);

            Assert.Equal(Enumerable.Range(0, graph.Length), order.Order());
            var position = new int[graph.Length];
            for (var i = 0; i < order.Length; i++)
            {
                position[order[i]] = i;
            }
            for (var node = 0; node < graph.Length; node++)
            {
                Assert.All(graph[node], dependency => Assert.True(position[dependency] < position[node]));
            }
        });
    }

    [Fact]
    public void Where_every_dependency_is_older_the_order_is_creation_order()
    {
        TestGraphs.Dag(14).Sample(graph =>
            Assert.Equal(Enumerable.Range(0, graph.Count), DependencyGraph.CreationTopologicalOrder(graph.Count, n => graph.Edges[n])));
    }

    [Fact]
    public void A_later_dependency_is_pulled_just_before_its_first_dependent()
    {
        // 0 depends on 3; 1 and 2 depend on nothing.
        int[][] graph = [[3], [], [], []];

        Assert.Equal([3, 0, 1, 2], DependencyGraph.CreationTopologicalOrder(4, n => graph[n]));
    }

    [Fact]
    public void A_chain_of_a_million_reversed_nodes_does_not_overflow_the_stack()
    {
        const int count = 1_000_000;
        var order = DependencyGraph.CreationTopologicalOrder(count, n => n + 1 < count ? [n + 1] : []);

        Assert.Equal(count - 1, order[0]);
        Assert.Equal(0, order[^1]);
    }
}

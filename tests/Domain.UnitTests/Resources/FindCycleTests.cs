using CsCheck;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

public sealed class FindCycleTests
{
    /// <summary>A DAG, one of its nodes, and a proposed new dependency list for it (repeats and the node itself allowed).</summary>
    private static readonly Gen<(IndexGraph Graph, int Node, int[] Proposal)> Proposals =
        TestGraphs.Dag(10).SelectMany(graph =>
            Gen.Select(Gen.Const(graph), Gen.Int[0, graph.Count - 1], Gen.Int[0, graph.Count - 1].Array[0, 4]));

    [Fact]
    public void Finds_a_cycle_exactly_when_the_new_dependencies_would_close_one_and_reports_a_shortest_valid_path()
    {
        var cycles = 0;
        var acyclic = 0;
        Proposals.Sample((graph, node, proposal) =>
        {
            var n = graph.Count;
            var lookup = graph.ToLookup();
            var resourceId = graph.Ids[node];
            var asked = new List<Guid>();

            var cycle = DependencyGraph.FindCycle(resourceId, proposal.Select(i => graph.Ids[i]), id =>
            {
                asked.Add(id);
                return lookup[id];
            });

            // The whole graph after the change, checked independently: the stored graph is a
            // DAG, so any cycle in it must be one the new dependencies close.
            var after = new bool[n, n];
            for (var i = 0; i < n; i++)
            {
                foreach (var j in i == node ? proposal : graph.Edges[i])
                {
                    after[i, j] = true;
                }
            }
            var distance = TestGraphs.ShortestPaths(after);
            var anyCycle = Enumerable.Range(0, n).Any(v => distance[v, v] < TestGraphs.Unreachable);

            Assert.Equal(anyCycle, cycle is not null);
            Interlocked.Increment(ref cycle is null ? ref acyclic : ref cycles);
            Assert.DoesNotContain(resourceId, asked);
            AssertOnlyReachableNodesAsked(graph, proposal, asked);
            if (cycle is null)
            {
                return;
            }

            Assert.Equal(resourceId, cycle[0]);
            Assert.Equal(resourceId, cycle[^1]);
            var index = graph.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
            for (var step = 0; step + 1 < cycle.Count; step++)
            {
                Assert.True(after[index[cycle[step]], index[cycle[step + 1]]],
                    $"{cycle[step]} -> {cycle[step + 1]} is not an edge of the changed graph");
            }
            Assert.Equal(cycle.Count - 1, cycle.Skip(1).Distinct().Count());
            Assert.Equal(distance[node, node], cycle.Count - 1);
        }, iter: 3000);

        // Both answers must be common, or the property above says little.
        Assert.True(cycles > 300 && acyclic > 300, $"{cycles} cycles, {acyclic} acyclic");
    }

    [Fact]
    public void A_node_that_would_depend_on_itself_is_a_cycle_of_one_edge()
    {
        var id = Guid.NewGuid();
        var other = Guid.NewGuid();

        var cycle = DependencyGraph.FindCycle(id, [other, id], _ => []);

        Assert.Equal(new[] { id, id }, cycle);
    }

    [Fact]
    public void No_new_dependencies_close_no_cycle()
    {
        var id = Guid.NewGuid();

        Assert.Null(DependencyGraph.FindCycle(id, [], _ => throw new InvalidOperationException("nothing to walk")));
    }

    [Fact]
    public void Closing_a_chain_of_200k_nodes_is_found_without_recursion()
    {
        const int length = 200_000;
        var chain = Enumerable.Range(0, length).Select(_ => Guid.NewGuid()).ToArray();
        // chain[i] depends on chain[i - 1]; chain[0] depends on nothing yet.
        var dependencies = new Dictionary<Guid, IReadOnlyList<Guid>>(length);
        for (var i = 0; i < length; i++)
        {
            dependencies[chain[i]] = i == 0 ? [] : [chain[i - 1]];
        }

        var cycle = DependencyGraph.FindCycle(chain[0], [chain[^1]], id => dependencies[id]);

        Assert.NotNull(cycle);
        Assert.Equal(length + 1, cycle.Count);
        Assert.Equal(chain[0], cycle[0]);
        Assert.Equal(chain[^1], cycle[1]);
        Assert.Equal(chain[1], cycle[^2]);
        Assert.Equal(chain[0], cycle[^1]);
    }

    [Fact]
    public void Walking_a_chain_of_200k_nodes_without_a_cycle_returns_null()
    {
        const int length = 200_000;
        var chain = Enumerable.Range(0, length).Select(_ => Guid.NewGuid()).ToArray();
        var dependencies = new Dictionary<Guid, IReadOnlyList<Guid>>(length);
        for (var i = 0; i < length; i++)
        {
            dependencies[chain[i]] = i == 0 ? [] : [chain[i - 1]];
        }
        var asked = 0;

        var cycle = DependencyGraph.FindCycle(Guid.NewGuid(), [chain[^1]], id =>
        {
            asked++;
            return dependencies[id];
        });

        Assert.Null(cycle);
        Assert.Equal(length, asked);
    }

    private static void AssertOnlyReachableNodesAsked(IndexGraph graph, int[] proposal, List<Guid> asked)
    {
        // Nodes reachable from the proposal in the stored graph, by plain repeated expansion.
        var reachable = proposal.ToHashSet();
        bool grew;
        do
        {
            grew = false;
            foreach (var i in reachable.ToArray())
            {
                foreach (var j in graph.Edges[i])
                {
                    grew |= reachable.Add(j);
                }
            }
        }
        while (grew);
        var reachableIds = reachable.Select(i => graph.Ids[i]).ToHashSet();
        Assert.All(asked, id => Assert.Contains(id, reachableIds));
        Assert.Equal(asked.Count, asked.Distinct().Count());
    }
}

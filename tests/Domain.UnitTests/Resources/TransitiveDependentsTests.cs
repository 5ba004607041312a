using CsCheck;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

public sealed class TransitiveDependentsTests
{
    private static readonly Gen<(IndexGraph Graph, int Root)> Roots =
        TestGraphs.AnyDigraph(10).SelectMany(graph => Gen.Select(Gen.Const(graph), Gen.Int[0, graph.Count - 1]));

    [Fact]
    public void Equals_the_naive_closure_without_the_root_in_breadth_first_order()
    {
        Roots.Sample((graph, root) =>
        {
            var n = graph.Count;
            IEnumerable<Guid> DependentsOf(Guid id)
            {
                var index = Array.IndexOf(graph.Ids, id);
                return Enumerable.Range(0, n).Where(i => graph.Edges[i].Contains(index)).Select(i => graph.Ids[i]);
            }

            var dependents = DependencyGraph.TransitiveDependents(graph.Ids[root], DependentsOf);

            // Naive: keep adding whatever depends on the root or on something already added;
            // the distance (in dependency steps) is recorded as it grows, one round per step.
            var distance = new Dictionary<int, int>();
            for (var round = 1; round <= n; round++)
            {
                var frontier = round == 1 ? [root] : distance.Where(p => p.Value == round - 1).Select(p => p.Key).ToArray();
                foreach (var i in Enumerable.Range(0, n).Where(i => i != root && !distance.ContainsKey(i)))
                {
                    if (graph.Edges[i].Any(frontier.Contains))
                    {
                        distance[i] = round;
                    }
                }
            }

            Assert.Equal(distance.Keys.Select(i => graph.Ids[i]).Order(), dependents.Order());
            Assert.DoesNotContain(graph.Ids[root], dependents);
            var distances = dependents.Select(id => distance[Array.IndexOf(graph.Ids, id)]).ToArray();
            Assert.Equal(distances.Order(), distances);
        }, iter: 2000);
    }

    [Fact]
    public void A_dependent_cycle_back_to_the_root_still_excludes_the_root()
    {
        var root = Guid.NewGuid();
        var dependent = Guid.NewGuid();
        var dependentsOf = new Dictionary<Guid, Guid[]> { [root] = [dependent], [dependent] = [root] };

        Assert.Equal(new[] { dependent }, DependencyGraph.TransitiveDependents(root, id => dependentsOf[id]));
    }
}

using CsCheck;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

/// <summary>
/// The Pearce–Kelly step, driven the way the stores drive it (window-bounded searches over a
/// graph held here), against the rule it must keep: after every added edge, every node stands
/// after each of its dependencies, positions stay unique and are only ever reused.
/// </summary>
public sealed class DynamicTopologicalOrderTests
{
    [Fact]
    public void Random_edge_insertions_keep_a_topological_order_on_the_same_positions()
    {
        Gen.Select(Gen.Int[2, 14], Gen.Select(Gen.Int[0, 13], Gen.Int[0, 13]).Array[1, 40]).Sample((count, edges) =>
        {
            var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
            var dependencies = ids.ToDictionary(id => id, _ => new HashSet<Guid>());
            // Creation order with gaps, as deletes leave them.
            var position = ids.Select((id, i) => (id, p: 3L * i + 1)).ToDictionary(x => x.id, x => x.p);
            var slots = position.Values.Order().ToArray();

            foreach (var (fromIndex, toIndex) in edges)
            {
                var (dependent, dependency) = (ids[fromIndex % count], ids[toIndex % count]);
                if (dependent == dependency || Reaches(dependency, dependent, dependencies))
                {
                    continue; // would close a cycle: the service refuses it before ordering
                }
                Place(dependency, dependent, dependencies, position);
                dependencies[dependent].Add(dependency);

                Assert.Equal(slots, position.Values.Order().ToArray());
                Assert.All(dependencies, pair => Assert.All(pair.Value, d => Assert.True(position[d] < position[pair.Key])));
            }
        });
    }

    [Fact]
    public void A_dependency_that_already_stands_first_moves_nothing_and_one_closing_a_cycle_is_refused()
    {
        var a = new PositionedNode(Guid.NewGuid(), 1);
        var b = new PositionedNode(Guid.NewGuid(), 2);

        Assert.Throws<ArgumentException>(() => DynamicTopologicalOrder.Reorder([a, b], [b]));
        Assert.Equal([b with { Position = 1 }, a with { Position = 2 }], DynamicTopologicalOrder.Reorder([b], [a]));
    }

    /// <summary>What the stores do: searches bounded by the window between the two ends, then <see cref="DynamicTopologicalOrder.Reorder"/>.</summary>
    private static void Place(Guid dependency, Guid dependent, Dictionary<Guid, HashSet<Guid>> dependencies, Dictionary<Guid, long> position)
    {
        var (lower, upper) = (position[dependent], position[dependency]);
        if (upper < lower)
        {
            return;
        }
        var forward = Walk(dependent, n => dependencies.Where(p => p.Value.Contains(n)).Select(p => p.Key), n => position[n] <= upper);
        var backward = Walk(dependency, n => dependencies[n], n => position[n] > lower);
        var moved = DynamicTopologicalOrder.Reorder(
            backward.Select(n => new PositionedNode(n, position[n])).ToArray(),
            forward.Select(n => new PositionedNode(n, position[n])).ToArray());
        foreach (var node in moved)
        {
            position[node.Id] = node.Position;
        }
    }

    private static HashSet<Guid> Walk(Guid start, Func<Guid, IEnumerable<Guid>> next, Func<Guid, bool> inWindow)
    {
        var seen = new HashSet<Guid> { start };
        var stack = new Stack<Guid>([start]);
        while (stack.TryPop(out var node))
        {
            foreach (var other in next(node).Where(inWindow).Where(seen.Add))
            {
                stack.Push(other);
            }
        }
        return seen;
    }

    private static bool Reaches(Guid from, Guid to, Dictionary<Guid, HashSet<Guid>> dependencies) =>
        Walk(from, n => dependencies[n], _ => true).Contains(to);
}

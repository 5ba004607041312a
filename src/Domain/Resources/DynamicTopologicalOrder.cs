namespace CrudCqrs.Domain.Resources;

/// <summary>
/// Keeping one topological order of the whole graph while dependencies are added: the
/// reordering step of Pearce and Kelly, "A dynamic topological sort algorithm for directed
/// acyclic graphs" (ACM JEA 11, 2006), docs/decisions/008-dynamic-topological-order.md.
/// </summary>
/// <remarks>
/// Order edges run from a dependency to its dependent: "A depends on B" needs B before A. When
/// B already comes first nothing moves. Otherwise, in the window between A (lower bound) and B
/// (upper bound), the store finds the forward set (A and everything depending on it, directly or
/// transitively, that lies in the window) and the backward set (B and everything it depends on that
/// lies in the window). Only those nodes move, onto the positions they held themselves.
/// </remarks>
public static class DynamicTopologicalOrder
{
    /// <summary>
    /// The new positions of the nodes that move: the backward set first, then the forward set,
    /// each keeping its relative order, on the sorted union of their own positions. The forward
    /// set only moves later and the backward set only earlier, which is why every edge leaving
    /// or entering the two sets stays satisfied (the searches, bounded by the window, saw every
    /// edge that could be affected).
    /// </summary>
    /// <exception cref="ArgumentException">The two sets share a node: the new dependency would close a cycle.</exception>
    public static IReadOnlyList<PositionedNode> Reorder(IReadOnlyCollection<PositionedNode> backward, IReadOnlyCollection<PositionedNode> forward)
    {
        var slots = new long[backward.Count + forward.Count];
        var index = 0;
        foreach (var node in backward)
        {
            slots[index++] = node.Position;
        }
        foreach (var node in forward)
        {
            slots[index++] = node.Position;
        }
        Array.Sort(slots);
        for (var i = 1; i < slots.Length; i++)
        {
            if (slots[i] == slots[i - 1])
            {
                throw new ArgumentException("A node is in both the forward and the backward set: the new dependency closes a cycle.");
            }
        }

        var moved = new List<PositionedNode>(slots.Length);
        index = 0;
        foreach (var node in backward.OrderBy(n => n.Position))
        {
            moved.Add(new PositionedNode(node.Id, slots[index++]));
        }
        foreach (var node in forward.OrderBy(n => n.Position))
        {
            moved.Add(new PositionedNode(node.Id, slots[index++]));
        }
        return moved;
    }
}

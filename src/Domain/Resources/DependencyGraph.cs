namespace CrudCqrs.Domain.Resources;

/// <summary>
/// The graph rules, as pure functions over adjacency lookups. Each costs O(what it touches):
/// callers hand in only the part of the graph that can matter (for a cycle check, what is
/// reachable from the new dependencies), never the whole store.
/// </summary>
public static class DependencyGraph
{
    /// <summary>
    /// Finds the cycle that giving <paramref name="resourceId"/> the dependencies
    /// <paramref name="newDependencies"/> would close, or null when none would.
    /// </summary>
    /// <param name="dependenciesOf">Stored dependencies of a node; only asked for nodes reachable from the new dependencies.</param>
    /// <returns>The shortest such cycle as ids, starting and ending with <paramref name="resourceId"/>.</returns>
    public static IReadOnlyList<Guid>? FindCycle(
        Guid resourceId,
        IEnumerable<Guid> newDependencies,
        Func<Guid, IReadOnlyList<Guid>> dependenciesOf)
    {
        // Breadth-first, so the reported path is a shortest one; iterative, so a chain of a
        // million nodes cannot overflow the stack.
        var cameFrom = new Dictionary<Guid, Guid>();
        var queue = new Queue<Guid>();
        foreach (var dependency in newDependencies)
        {
            if (dependency == resourceId)
            {
                return [resourceId, resourceId];
            }
            if (cameFrom.TryAdd(dependency, resourceId))
            {
                queue.Enqueue(dependency);
            }
        }

        while (queue.TryDequeue(out var current))
        {
            foreach (var next in dependenciesOf(current))
            {
                if (next == resourceId)
                {
                    return BuildPath(resourceId, current, cameFrom);
                }
                if (cameFrom.TryAdd(next, current))
                {
                    queue.Enqueue(next);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// A topological order of a whole stored graph, computed once (when positions are first
    /// assigned) in O(nodes + edges): nodes are taken in creation order, and each is preceded by
    /// those of its dependencies, transitively, that are not placed yet. So where no node depends
    /// on a later one the result is creation order itself, and otherwise a node made earlier moves
    /// only as far as a later dependency requires.
    /// </summary>
    /// <param name="count">Nodes are 0 .. count-1, numbered in creation order.</param>
    /// <param name="dependenciesOf">The dependencies of a node, as node numbers.</param>
    /// <returns>The node numbers in order; nodes on a cycle (corrupt data) are placed where the walk first closes it.</returns>
    public static int[] CreationTopologicalOrder(int count, Func<int, IReadOnlyList<int>> dependenciesOf)
    {
        var order = new int[count];
        var placed = 0;
        var visited = new bool[count];
        // An explicit stack of (node, next dependency to look at): a chain of a million nodes cannot overflow it.
        var stack = new Stack<(int Node, int Next)>();
        for (var root = 0; root < count; root++)
        {
            if (visited[root])
            {
                continue;
            }
            visited[root] = true;
            stack.Push((root, 0));
            while (stack.TryPop(out var frame))
            {
                var dependencies = dependenciesOf(frame.Node);
                var next = frame.Next;
                while (next < dependencies.Count && visited[dependencies[next]])
                {
                    next++;
                }
                if (next == dependencies.Count)
                {
                    order[placed++] = frame.Node;
                    continue;
                }
                var dependency = dependencies[next];
                visited[dependency] = true;
                stack.Push((frame.Node, next + 1));
                stack.Push((dependency, 0));
            }
        }
        return order;
    }

    /// <summary>
    /// Every resource that depends on <paramref name="rootId"/>, directly or transitively, the root
    /// excluded, in breadth-first order.
    /// </summary>
    public static IReadOnlyList<Guid> TransitiveDependents(Guid rootId, Func<Guid, IEnumerable<Guid>> dependentsOf)
    {
        var seen = new HashSet<Guid> { rootId };
        var result = new List<Guid>();
        var queue = new Queue<Guid>();
        queue.Enqueue(rootId);
        while (queue.TryDequeue(out var current))
        {
            foreach (var dependent in dependentsOf(current))
            {
                if (seen.Add(dependent))
                {
                    result.Add(dependent);
                    queue.Enqueue(dependent);
                }
            }
        }
        return result;
    }

    private static List<Guid> BuildPath(Guid resourceId, Guid last, Dictionary<Guid, Guid> cameFrom)
    {
        var reversed = new List<Guid> { resourceId, last };
        var step = last;
        while (cameFrom[step] != resourceId)
        {
            step = cameFrom[step];
            reversed.Add(step);
        }
        reversed.Add(resourceId);
        reversed.Reverse();
        return reversed;
    }
}

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
    /// Orders <paramref name="resources"/> so that every dependency among them comes before the
    /// resources that depend on it; ties (and anything left by a cycle in corrupt data) go by
    /// <see cref="Resource.CreatedAt"/>, then id, so the order is deterministic.
    /// </summary>
    public static IReadOnlyList<Resource> TopologicalOrder(IReadOnlyCollection<Resource> resources)
    {
        var byId = new Dictionary<Guid, Resource>(resources.Count);
        foreach (var resource in resources)
        {
            byId[resource.Id] = resource;
        }

        var pendingDependencies = new Dictionary<Guid, int>(byId.Count);
        var dependents = new Dictionary<Guid, List<Guid>>();
        foreach (var resource in byId.Values)
        {
            var count = 0;
            foreach (var dependency in resource.Dependencies)
            {
                if (!byId.ContainsKey(dependency))
                {
                    continue;
                }
                count++;
                if (!dependents.TryGetValue(dependency, out var list))
                {
                    dependents[dependency] = list = [];
                }
                list.Add(resource.Id);
            }
            pendingDependencies[resource.Id] = count;
        }

        var ready = new PriorityQueue<Resource, Resource>(ResourceOrder.Instance);
        foreach (var resource in byId.Values)
        {
            if (pendingDependencies[resource.Id] == 0)
            {
                ready.Enqueue(resource, resource);
            }
        }

        var ordered = new List<Resource>(byId.Count);
        while (ready.TryDequeue(out var resource, out _))
        {
            ordered.Add(resource);
            if (!dependents.TryGetValue(resource.Id, out var waiting))
            {
                continue;
            }
            foreach (var dependentId in waiting)
            {
                if (--pendingDependencies[dependentId] == 0)
                {
                    var dependent = byId[dependentId];
                    ready.Enqueue(dependent, dependent);
                }
            }
        }

        if (ordered.Count < byId.Count)
        {
            // Only reachable with a cycle already in the data: keep every match, in stable order.
            var placed = ordered.Select(r => r.Id).ToHashSet();
            ordered.AddRange(byId.Values.Where(r => !placed.Contains(r.Id)).Order(ResourceOrder.Instance));
        }
        return ordered;
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

/// <summary>The service's one stable order: creation time, then id as its lowercase string.</summary>
public sealed class ResourceOrder : IComparer<Resource>
{
    public static readonly ResourceOrder Instance = new();

    public int Compare(Resource? x, Resource? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var byTime = x.CreatedAt.CompareTo(y.CreatedAt);
        // Guid.CompareTo orders exactly as the ordinal order of the lowercase "D" strings that the
        // stores sort by (a test pins this), without formatting strings.
        return byTime != 0 ? byTime : x.Id.CompareTo(y.Id);
    }
}

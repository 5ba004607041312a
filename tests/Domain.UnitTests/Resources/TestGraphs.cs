using CsCheck;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

/// <summary>A small graph by node index; <see cref="Edges"/>[i] lists the indexes node i depends on.</summary>
internal sealed record IndexGraph(Guid[] Ids, int[][] Edges)
{
    public int Count => Ids.Length;

    public Dictionary<Guid, IReadOnlyList<Guid>> ToLookup() =>
        Enumerable.Range(0, Count).ToDictionary(i => Ids[i], i => (IReadOnlyList<Guid>)Edges[i].Select(j => Ids[j]).ToArray());

    public override string ToString() =>
        string.Join("; ", Enumerable.Range(0, Count).Select(i => $"{i}->[{string.Join(",", Edges[i])}]"));
}

/// <summary>Generators and deliberately naive reference algorithms the graph rules are checked against.</summary>
internal static class TestGraphs
{
    /// <summary>Random DAGs: node i may depend only on nodes with a lower index (ids are random, so index order says nothing about id order).</summary>
    public static Gen<IndexGraph> Dag(int maxNodes) =>
        Gen.Int[1, maxNodes].SelectMany(n =>
            Gen.Select(Gen.Guid.ArrayUnique[n], Gen.Int[0, 3].Array[n * n], (ids, bits) =>
                new IndexGraph(ids, Enumerable.Range(0, n)
                    .Select(i => Enumerable.Range(0, i).Where(j => bits[i * n + j] == 0).ToArray())
                    .ToArray())));

    /// <summary>Random directed graphs, cycles and self-loops included.</summary>
    public static Gen<IndexGraph> AnyDigraph(int maxNodes) =>
        Gen.Int[1, maxNodes].SelectMany(n =>
            Gen.Select(Gen.Guid.ArrayUnique[n], Gen.Int[0, 3].Array[n * n], (ids, bits) =>
                new IndexGraph(ids, Enumerable.Range(0, n)
                    .Select(i => Enumerable.Range(0, n).Where(j => bits[i * n + j] == 0).ToArray())
                    .ToArray())));

    public const int Unreachable = int.MaxValue / 4;

    /// <summary>
    /// Floyd–Warshall over an adjacency matrix with the diagonal starting at "unreachable", so
    /// that afterwards distance[v, v] is the length of the shortest cycle through v.
    /// </summary>
    public static int[,] ShortestPaths(bool[,] adjacent)
    {
        var n = adjacent.GetLength(0);
        var distance = new int[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                distance[i, j] = adjacent[i, j] ? 1 : Unreachable;
            }
        }
        for (var via = 0; via < n; via++)
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var throughVia = distance[i, via] + distance[via, j];
                    if (throughVia < distance[i, j])
                    {
                        distance[i, j] = throughVia;
                    }
                }
            }
        }
        return distance;
    }

    /// <summary>Whether a graph given as id → dependencies has a cycle: repeatedly drop nodes with no remaining dependencies.</summary>
    public static bool HasCycle(IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> dependencies)
    {
        var remaining = dependencies.Keys.ToHashSet();
        bool removedAny;
        do
        {
            var free = remaining.Where(node => !dependencies[node].Any(remaining.Contains)).ToArray();
            remaining.ExceptWith(free);
            removedAny = free.Length > 0;
        }
        while (removedAny);
        return remaining.Count > 0;
    }

    public static Resource NewResource(Guid id, DateTimeOffset createdAt, params Guid[] dependencies) => new()
    {
        Id = id,
        Name = "r-" + id.ToString("N")[..6],
        Description = null,
        Dependencies = dependencies,
        CreatedAt = createdAt,
        UpdatedAt = createdAt,
        Version = 1,
    };
}

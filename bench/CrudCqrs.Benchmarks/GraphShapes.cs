using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Benchmarks;

public enum GraphShape
{
    /// <summary>0 → 1 → 2 → … → n-1: the deepest walk.</summary>
    Chain,

    /// <summary>0 → every other node: the widest single adjacency list.</summary>
    FanOut,

    /// <summary>Layers of <see cref="GeneratedGraph.DiamondWidth"/> nodes, each pointing at every node of the next layer: many paths to the same node.</summary>
    Diamond,
}

/// <summary>
/// A generated DAG whose every node is reachable from node 0 and which ends in node n-1. Read as
/// "depends on" it feeds the cycle check and the topological order; read as "is depended on by"
/// it feeds the transitive-dependents walk. Either way the algorithms touch the whole graph.
/// </summary>
public sealed class GeneratedGraph
{
    public const int DiamondWidth = 4;

    private GeneratedGraph(Guid[] ids, Dictionary<Guid, IReadOnlyList<Guid>> edges)
    {
        Ids = ids;
        Edges = edges;
    }

    public Guid[] Ids { get; }
    public Dictionary<Guid, IReadOnlyList<Guid>> Edges { get; }
    public Guid Source => Ids[0];
    public Guid Sink => Ids[^1];

    public IReadOnlyList<Guid> Next(Guid id) => Edges.TryGetValue(id, out var next) ? next : [];

    public static GeneratedGraph Create(GraphShape shape, int nodes)
    {
        var random = new Random(42);
        var ids = new Guid[nodes];
        for (var i = 0; i < nodes; i++)
        {
            // Random bytes, not v7: insertion order must not equal hash order by accident.
            var bytes = new byte[16];
            random.NextBytes(bytes);
            ids[i] = new Guid(bytes);
        }
        var edges = new Dictionary<Guid, IReadOnlyList<Guid>>(nodes);
        switch (shape)
        {
            case GraphShape.Chain:
                for (var i = 0; i < nodes - 1; i++)
                {
                    edges[ids[i]] = [ids[i + 1]];
                }
                break;
            case GraphShape.FanOut:
                edges[ids[0]] = ids[1..];
                break;
            case GraphShape.Diamond:
                // Node 0 alone on top, then full layers of DiamondWidth, the last node alone at the bottom.
                var layers = new List<Guid[]> { new[] { ids[0] } };
                for (var start = 1; start < nodes - 1; start += DiamondWidth)
                {
                    layers.Add(ids[start..Math.Min(start + DiamondWidth, nodes - 1)]);
                }
                layers.Add([ids[^1]]);
                for (var layer = 0; layer < layers.Count - 1; layer++)
                {
                    foreach (var node in layers[layer])
                    {
                        edges[node] = layers[layer + 1];
                    }
                }
                break;
        }
        return new GeneratedGraph(ids, edges);
    }

    /// <summary>The graph as stored resources (dependencies = outgoing edges), created in id order.</summary>
    public Resource[] ToResources()
    {
        var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var resources = new Resource[Ids.Length];
        for (var i = 0; i < Ids.Length; i++)
        {
            var created = epoch.AddMilliseconds(i);
            resources[i] = new Resource
            {
                Id = Ids[i],
                Name = "node",
                Dependencies = Next(Ids[i]),
                CreatedAt = created,
                UpdatedAt = created,
                Version = 1,
            };
        }
        return resources;
    }
}

using BenchmarkDotNet.Attributes;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Benchmarks;

public enum GraphShape
{
    /// <summary>Each node depends on the previous one: the deepest walk there is.</summary>
    Chain,
    /// <summary>One hub that everything depends on: the widest set of dependents.</summary>
    FanOut,
    /// <summary>Layers of four where every node depends on all of the previous layer.</summary>
    Diamond,
}

/// <summary>The domain's graph rules on generated graphs; costs must follow what they touch.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class GraphBenchmarks
{
    private Dictionary<Guid, IReadOnlyList<Guid>> _dependencies = null!;
    private Dictionary<Guid, List<Guid>> _dependents = null!;
    private Resource[] _resources = null!;
    private Guid _first;
    private Guid _last;
    private Guid _outsider;

    [Params(10_000, 100_000, 1_000_000)]
    public int Nodes { get; set; }

    [Params(GraphShape.Chain, GraphShape.FanOut, GraphShape.Diamond)]
    public GraphShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var ids = Enumerable.Range(0, Nodes).Select(i => Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddMilliseconds(i))).ToArray();
        _dependencies = new Dictionary<Guid, IReadOnlyList<Guid>>(Nodes);
        for (var i = 0; i < Nodes; i++)
        {
            _dependencies[ids[i]] = Shape switch
            {
                GraphShape.Chain => i == 0 ? [] : [ids[i - 1]],
                GraphShape.FanOut => i == 0 ? [] : [ids[0]],
                _ => i < 4 ? [] : Enumerable.Range(i / 4 * 4 - 4, 4).Select(j => ids[j]).ToArray(),
            };
        }
        _dependents = new Dictionary<Guid, List<Guid>>();
        foreach (var (id, dependencies) in _dependencies)
        {
            foreach (var dependency in dependencies)
            {
                if (!_dependents.TryGetValue(dependency, out var list))
                {
                    _dependents[dependency] = list = [];
                }
                list.Add(id);
            }
        }
        _resources = ids.Select((id, i) => new Resource
        {
            Id = id, Name = "r", Dependencies = _dependencies[id],
            CreatedAt = DateTimeOffset.UnixEpoch.AddMilliseconds(i), UpdatedAt = DateTimeOffset.UnixEpoch, Version = 1,
        }).Reverse().ToArray();
        _first = ids[0];
        _last = ids[^1];
        _outsider = Guid.NewGuid();
    }

    /// <summary>The first node taking the last as a dependency: a cycle through the whole graph (chain, diamond).</summary>
    [Benchmark]
    public IReadOnlyList<Guid>? FindCycleThroughEverything() =>
        DependencyGraph.FindCycle(_first, [_last], node => _dependencies.TryGetValue(node, out var next) ? next : []);

    /// <summary>A new node depending on the last one: no cycle, the walk covers everything reachable.</summary>
    [Benchmark]
    public IReadOnlyList<Guid>? FindCycleNoneReachable() =>
        DependencyGraph.FindCycle(_outsider, [_last], node => _dependencies.TryGetValue(node, out var next) ? next : []);

    [Benchmark]
    public IReadOnlyList<Resource> TopologicalOrder() => DependencyGraph.TopologicalOrder(_resources);

    [Benchmark]
    public IReadOnlyList<Guid> TransitiveDependentsOfTheRoot() =>
        DependencyGraph.TransitiveDependents(_first, node => _dependents.TryGetValue(node, out var list) ? list : []);
}

using BenchmarkDotNet.Attributes;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Benchmarks;

/// <summary>
/// The graph rules on whole generated graphs, each a worst case: the walk must visit every node.
/// One launch, one warm-up and five iterations: a million-node case takes seconds per call.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class DependencyGraphBenchmarks
{
    private GeneratedGraph _graph = null!;
    private IReadOnlyList<int>[] _numbered = null!;
    private Guid[] _sourceOnly = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Nodes { get; set; }

    [Params(GraphShape.Chain, GraphShape.FanOut, GraphShape.Diamond)]
    public GraphShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _graph = GeneratedGraph.Create(Shape, Nodes);
        var numbers = _graph.Ids.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        _numbered = _graph.Ids.Select(id => (IReadOnlyList<int>)_graph.Next(id).Select(d => numbers[d]).ToArray()).ToArray();
        _sourceOnly = [_graph.Source];
    }

    /// <summary>
    /// The sink (which nothing follows) gains a dependency on the source: the breadth-first walk from the
    /// source reaches the sink only after the whole graph, then the cycle's path is built.
    /// </summary>
    [Benchmark]
    public int FindCycle()
    {
        var cycle = DependencyGraph.FindCycle(_graph.Sink, _sourceOnly, _graph.Next)
            ?? throw new InvalidOperationException("The generated graph must close a cycle.");
        return cycle.Count;
    }

    /// <summary>The one-time computation of positions for a stored graph (the upgrade's backfill).</summary>
    [Benchmark]
    public int CreationTopologicalOrder() => DependencyGraph.CreationTopologicalOrder(_numbered.Length, n => _numbered[n]).Length;

    /// <summary>Edges read as "is depended on by": everything depends, transitively, on the source.</summary>
    [Benchmark]
    public int TransitiveDependents() => DependencyGraph.TransitiveDependents(_graph.Source, _graph.Next).Count;
}

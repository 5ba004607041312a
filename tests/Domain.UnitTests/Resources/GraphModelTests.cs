using CsCheck;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

/// <summary>
/// Random sequences of writes applied to an in-memory store that enforces the graph only
/// through the domain rules (FindCycle refuses updates, TransitiveDependents drives cascade):
/// whatever the sequence, the graph stays acyclic and without dangling dependencies.
/// </summary>
public sealed class GraphModelTests
{
    private enum StepKind { Create, UpdateDependencies, Delete, CascadeDelete }

    /// <summary>Target and picks are indexes into the ids present when the step runs (taken modulo their count).</summary>
    private sealed record Step(StepKind Kind, int Target, int[] Picks)
    {
        public override string ToString() => $"{Kind}({Target}, [{string.Join(",", Picks)}])";
    }

    private static readonly Gen<Step> Steps = Gen.Select(
        Gen.Frequency((4, Gen.Const(StepKind.Create)), (4, Gen.Const(StepKind.UpdateDependencies)),
            (1, Gen.Const(StepKind.Delete)), (1, Gen.Const(StepKind.CascadeDelete))),
        Gen.Int[0, 1000],
        Gen.Int[0, 1000].Array[0, 4],
        (kind, target, picks) => new Step(kind, target, picks));

    private static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_accepted_step_leaves_an_acyclic_graph_without_dangling_dependencies()
    {
        var refused = 0;
        var accepted = 0;
        var cascadedDependents = 0;
        Steps.Array[1, 60].Sample(steps =>
        {
            var store = new Dictionary<Guid, Resource>();
            var creationOrder = new List<Guid>();
            var created = 0;
            for (var stepNumber = 0; stepNumber < steps.Length; stepNumber++)
            {
                var step = steps[stepNumber];
                var now = Start.AddSeconds(stepNumber);
                if (step.Kind == StepKind.Create || creationOrder.Count == 0)
                {
                    var dependencies = Pick(creationOrder, step.Picks);
                    var id = new Guid(++created, 0, 0, new byte[8]);
                    store[id] = Resource.Create(id, $"resource {created}", null, dependencies, now);
                    creationOrder.Add(id);
                }
                else
                {
                    var target = creationOrder[step.Target % creationOrder.Count];
                    switch (step.Kind)
                    {
                        case StepKind.UpdateDependencies:
                            var wasAccepted = Update(store, target, Pick(creationOrder, step.Picks), now);
                            Interlocked.Increment(ref wasAccepted ? ref accepted : ref refused);
                            break;
                        case StepKind.Delete:
                            Delete(store, [target], now);
                            break;
                        case StepKind.CascadeDelete:
                            Interlocked.Add(ref cascadedDependents, CascadeDelete(store, target, now));
                            break;
                    }
                    creationOrder.RemoveAll(id => !store.ContainsKey(id));
                }

                AssertInvariants(store);
            }
        }, iter: 400);

        // The sequences must exercise refusals and real cascades, not only easy cases.
        Assert.True(refused > 100 && accepted > 100 && cascadedDependents > 100,
            $"{accepted} accepted, {refused} refused updates, {cascadedDependents} dependents cascaded");
    }

    private static Guid[] Pick(List<Guid> ids, int[] picks) =>
        ids.Count == 0 ? [] : picks.Select(p => ids[p % ids.Count]).Distinct().ToArray();

    /// <returns>Whether the update was accepted.</returns>
    private static bool Update(Dictionary<Guid, Resource> store, Guid target, Guid[] dependencies, DateTimeOffset now)
    {
        var current = store[target];
        IReadOnlyList<Guid> DependenciesOf(Guid id) => store[id].Dependencies;

        // What the update handler walks (only the added edges) must agree with walking all of them.
        var added = dependencies.Except(current.Dependencies).ToArray();
        var cycleFromAdded = DependencyGraph.FindCycle(target, added, DependenciesOf);
        var cycle = DependencyGraph.FindCycle(target, dependencies, DependenciesOf);
        Assert.Equal(cycle is null, cycleFromAdded is null);

        var wouldBe = store.ToDictionary(p => p.Key, p => p.Key == target ? dependencies : p.Value.Dependencies);
        Assert.Equal(TestGraphs.HasCycle(wouldBe), cycle is not null);
        if (cycle is not null)
        {
            return false;
        }
        var updated = current.Update(null, null, dependencies, now);
        Assert.Equal(current.Version + 1, updated.Version);
        store[target] = updated;
        return true;
    }

    /// <returns>How many dependents went with the root.</returns>
    private static int CascadeDelete(Dictionary<Guid, Resource> store, Guid root, DateTimeOffset now)
    {
        var dependents = DependencyGraph.TransitiveDependents(root,
            id => store.Values.Where(r => r.Dependencies.Contains(id)).Select(r => r.Id));
        var doomed = dependents.Prepend(root).ToHashSet();

        // Complete closure: nothing that survives depends on anything that goes.
        Assert.All(store.Values.Where(r => !doomed.Contains(r.Id)),
            survivor => Assert.DoesNotContain(survivor.Dependencies, doomed.Contains));
        Delete(store, doomed, now);
        return dependents.Count;
    }

    private static void Delete(Dictionary<Guid, Resource> store, IReadOnlyCollection<Guid> ids, DateTimeOffset now)
    {
        var removed = ids.ToHashSet();
        foreach (var id in removed)
        {
            store.Remove(id);
        }
        foreach (var survivor in store.Values.Where(r => r.Dependencies.Any(removed.Contains)).ToArray())
        {
            var cleaned = survivor.WithoutDependencies(removed, now);
            Assert.Equal(survivor.Version + 1, cleaned.Version);
            Assert.True(cleaned.UpdatedAt > survivor.UpdatedAt);
            store[survivor.Id] = cleaned;
        }
    }

    private static void AssertInvariants(Dictionary<Guid, Resource> store)
    {
        foreach (var resource in store.Values)
        {
            Assert.All(resource.Dependencies, d => Assert.True(store.ContainsKey(d), $"{resource.Id} has dangling dependency {d}"));
            Assert.DoesNotContain(resource.Id, resource.Dependencies);
            Assert.Equal(resource.Dependencies.Count, resource.Dependencies.Distinct().Count());
        }
        Assert.False(TestGraphs.HasCycle(store.ToDictionary(p => p.Key, p => p.Value.Dependencies)), "the graph has a cycle");
    }
}

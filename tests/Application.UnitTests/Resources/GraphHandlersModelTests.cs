using CsCheck;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Application.Resources.ListResources;
using CrudCqrs.Application.Resources.UpdateResource;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.UnitTests.Resources;

/// <summary>
/// Random write sequences through the real handlers and SQLite store, checked step by step
/// against a plain in-memory graph with naive rules: the store accepts exactly the updates
/// that keep the whole graph acyclic, deletes exactly the naive closure on cascade, and
/// afterwards holds exactly the model's ids and dependency lists.
/// </summary>
public sealed class GraphHandlersModelTests
{
    private enum StepKind { Create, Update, Delete, CascadeDelete }

    private sealed record Step(StepKind Kind, int Target, int[] Picks)
    {
        public override string ToString() => $"{Kind}({Target}, [{string.Join(",", Picks)}])";
    }

    private static readonly Gen<Step[]> Sequences = Gen.Select(
        Gen.Frequency((4, Gen.Const(StepKind.Create)), (4, Gen.Const(StepKind.Update)),
            (1, Gen.Const(StepKind.Delete)), (1, Gen.Const(StepKind.CascadeDelete))),
        Gen.Int[0, 100],
        Gen.Int[0, 100].Array[0, 3],
        (kind, target, picks) => new Step(kind, target, picks)).Array[1, 25];

    [Fact]
    public async Task The_store_follows_the_naive_model_through_random_writes()
    {
        await Sequences.SampleAsync(async steps =>
        {
            using var store = new SqliteHandlers();
            var model = new Dictionary<string, List<string>>();
            var order = new List<string>();

            foreach (var step in steps)
            {
                store.Clock.Advance(TimeSpan.FromMilliseconds(3));
                var picks = order.Count == 0 ? [] : step.Picks.Select(p => order[p % order.Count]).Distinct().ToList();
                if (step.Kind == StepKind.Create || order.Count == 0)
                {
                    var created = await store.Create.Handle(new CreateResourceCommand("r", null, picks), CancellationToken.None);
                    model[created.Id.ToString()] = picks;
                    order.Add(created.Id.ToString());
                }
                else
                {
                    var target = order[step.Target % order.Count];
                    if (step.Kind == StepKind.Update)
                    {
                        await UpdateAsync(store, model, target, picks);
                    }
                    else
                    {
                        await DeleteAsync(store, model, target, step.Kind == StepKind.CascadeDelete);
                        order.RemoveAll(id => !model.ContainsKey(id));
                    }
                }

                var stored = await store.List.Handle(new ListResourcesQuery(0, 1000), CancellationToken.None);
                Assert.Equal(model.Count, stored.TotalCount);
                Assert.Equal(model.Keys.Order(StringComparer.Ordinal), stored.Items.Select(r => r.Id.ToString()).Order(StringComparer.Ordinal));
                Assert.All(stored.Items, r => Assert.Equal(model[r.Id.ToString()], r.Dependencies.Select(d => d.ToString())));
            }
        }, iter: 20, threads: 1);
    }

    private static async Task UpdateAsync(SqliteHandlers store, Dictionary<string, List<string>> model, string target, List<string> dependencies)
    {
        var after = model.ToDictionary(p => p.Key, p => p.Key == target ? dependencies : p.Value);
        var wouldCycle = HasCycle(after);
        try
        {
            await store.Update.Handle(new UpdateResourceCommand(target, null, null, dependencies), CancellationToken.None);
            Assert.False(wouldCycle, "an update that closes a cycle was accepted");
            model[target] = dependencies;
        }
        catch (CircularDependencyException error)
        {
            Assert.True(wouldCycle, "an update that closes no cycle was refused");
            var cycle = error.Cycle.Select(id => id.ToString()).ToArray();
            Assert.Equal(target, cycle[0]);
            Assert.Equal(target, cycle[^1]);
            for (var i = 0; i + 1 < cycle.Length; i++)
            {
                Assert.Contains(cycle[i + 1], after[cycle[i]]);
            }
        }
    }

    private static async Task DeleteAsync(SqliteHandlers store, Dictionary<string, List<string>> model, string target, bool cascade)
    {
        var doomed = new HashSet<string> { target };
        if (cascade)
        {
            // Naive closure: keep adding whatever depends on something doomed.
            bool grew;
            do
            {
                grew = false;
                foreach (var (id, dependencies) in model)
                {
                    if (!doomed.Contains(id) && dependencies.Any(doomed.Contains))
                    {
                        grew |= doomed.Add(id);
                    }
                }
            }
            while (grew);
        }

        var result = await store.Delete.Handle(new DeleteResourceCommand(target, cascade), CancellationToken.None);

        Assert.Equal(doomed.Count, result.DeletedCount);
        foreach (var id in doomed)
        {
            model.Remove(id);
        }
        foreach (var dependencies in model.Values)
        {
            dependencies.RemoveAll(doomed.Contains);
        }
    }

    private static bool HasCycle(Dictionary<string, List<string>> graph)
    {
        var remaining = graph.Keys.ToHashSet();
        while (true)
        {
            var free = remaining.Where(id => !graph[id].Any(remaining.Contains)).ToArray();
            if (free.Length == 0)
            {
                return remaining.Count > 0;
            }
            remaining.ExceptWith(free);
        }
    }
}

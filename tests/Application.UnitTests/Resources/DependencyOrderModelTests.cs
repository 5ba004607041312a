using CsCheck;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Application.Resources.ListResources;
using CrudCqrs.Application.Resources.SearchResources;
using CrudCqrs.Application.Resources.UpdateResource;
using CrudCqrs.Domain.Resources;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Application.UnitTests.Resources;

/// <summary>
/// The stored dependency order through random writes on the real SQLite store: after every step
/// each resource stands after all of its dependencies, and walking search and list page by page
/// (by cursor and by offset) returns every match exactly once, with search in an order that
/// respects every dependency, including those that run through resources that do not match.
/// </summary>
public sealed class DependencyOrderModelTests
{
    private enum StepKind { Create, Update, Delete, CascadeDelete }

    private sealed record Step(StepKind Kind, int Target, int[] Picks, int Name)
    {
        public override string ToString() => $"{Kind}({Target}, [{string.Join(",", Picks)}], {Name})";
    }

    private static readonly string[] Names = ["alpha one", "beta two", "alphabet", "gamma"];
    private static readonly string?[] Texts = [null, "alpha", "ta", "gamma", "zzz"];

    private static readonly Gen<Step[]> Sequences = Gen.Select(
        Gen.Frequency((4, Gen.Const(StepKind.Create)), (5, Gen.Const(StepKind.Update)),
            (1, Gen.Const(StepKind.Delete)), (1, Gen.Const(StepKind.CascadeDelete))),
        Gen.Int[0, 100],
        Gen.Int[0, 100].Array[0, 3],
        Gen.Int[0, Names.Length - 1],
        (kind, target, picks, name) => new Step(kind, target, picks, name)).Array[1, 30];

    [Fact]
    public async Task Positions_and_paging_walks_respect_every_dependency_after_every_write()
    {
        await Sequences.SampleAsync(async steps =>
        {
            using var store = new SqliteHandlers();
            var ids = new List<string>();
            foreach (var step in steps)
            {
                store.Clock.Advance(TimeSpan.FromMilliseconds(step.Name % 2));
                var picks = ids.Count == 0 ? [] : step.Picks.Select(p => ids[p % ids.Count]).Distinct().ToArray();
                if (step.Kind == StepKind.Create || ids.Count == 0)
                {
                    ids.Add((await store.Create.Handle(new CreateResourceCommand(Names[step.Name], null, picks), CancellationToken.None)).Id.ToString());
                }
                else if (step.Kind == StepKind.Update)
                {
                    // Picks are often created later than the target: forward dependencies.
                    var target = ids[step.Target % ids.Count];
                    try
                    {
                        await store.Update.Handle(new UpdateResourceCommand(target, null, null, picks.Where(p => p != target).ToArray()), CancellationToken.None);
                    }
                    catch (CircularDependencyException)
                    {
                    }
                }
                else
                {
                    await store.Delete.Handle(new DeleteResourceCommand(ids[step.Target % ids.Count], step.Kind == StepKind.CascadeDelete), CancellationToken.None);
                    var remaining = (await AllAsync(store)).Select(r => r.Id.ToString()).ToHashSet();
                    ids.RemoveAll(id => !remaining.Contains(id));
                }

                await AssertPositionsFollowDependenciesAsync(store);
                await AssertStoredListsAgreeWithTheEdgesAsync(store);
                await AssertWalksAsync(store);
            }
        }, iter: 15, threads: 1);
    }

    [Fact]
    public async Task Two_writers_adding_dependencies_at_once_never_leave_a_contradicting_position()
    {
        using var first = new SqliteHandlers();
        var second = new UpdateResourceHandler(first.Database.CreateRepository(), first.Clock);
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await first.Create.Handle(new CreateResourceCommand($"node {i}", null, []), CancellationToken.None)).Id.ToString());
        }

        async Task WriteAsync(UpdateResourceHandler update, int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 60; i++)
            {
                // Mostly an older resource gaining a newer dependency: each such write reorders.
                var target = ids[random.Next(ids.Count / 2)];
                var dependencies = Enumerable.Range(0, 3).Select(_ => ids[random.Next(ids.Count)]).Where(d => d != target).Distinct().ToArray();
                try
                {
                    await update.Handle(new UpdateResourceCommand(target, null, null, dependencies), CancellationToken.None);
                }
                catch (CircularDependencyException)
                {
                }
            }
        }

        await Task.WhenAll(Task.Run(() => WriteAsync(first.Update, 1)), Task.Run(() => WriteAsync(second, 2)));

        await AssertPositionsFollowDependenciesAsync(first);
        await AssertStoredListsAgreeWithTheEdgesAsync(first);
        await AssertWalksAsync(first);
    }

    /// <summary>
    /// Each row's copy of its dependency list (what pages read) holds exactly the
    /// <c>position:id</c> pairs of its edges, whichever write path changed them: creates, updates,
    /// deletes and cascades.
    /// </summary>
    private static async Task AssertStoredListsAgreeWithTheEdgesAsync(SqliteHandlers store)
    {
        await using var connection = new SqliteConnection(store.Database.ConnectionString);
        await connection.OpenAsync();
        var edges = new Dictionary<string, List<string>>();
        await using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT ResourceId, Position, DependsOnId FROM ResourceDependencies";
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                (edges.TryGetValue(reader.GetString(0), out var list) ? list : edges[reader.GetString(0)] = [])
                    .Add($"{reader.GetInt64(1)}:{reader.GetString(2)}");
            }
        }
        await using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT Id, DependencyList FROM Resources";
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var expected = edges.TryGetValue(reader.GetString(0), out var list) ? list.Order(StringComparer.Ordinal) : null;
                var stored = reader.IsDBNull(1) ? null : reader.GetString(1).Split(',').Order(StringComparer.Ordinal);
                Assert.Equal(expected, stored);
            }
        }
    }

    private static async Task AssertPositionsFollowDependenciesAsync(SqliteHandlers store)
    {
        await using var connection = new SqliteConnection(store.Database.ConnectionString);
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT Id, TopologicalPosition FROM Resources";
        var positions = new Dictionary<Guid, long?>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                positions[Guid.Parse(reader.GetString(0))] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            }
        }
        Assert.All(positions.Values, p => Assert.NotNull(p));
        Assert.Equal(positions.Count, positions.Values.Distinct().Count());
        foreach (var resource in await AllAsync(store))
        {
            Assert.All(resource.Dependencies, d => Assert.True(positions[d] < positions[resource.Id],
                $"{resource.Id} at {positions[resource.Id]} stands before its dependency {d} at {positions[d]}"));
        }
    }

    private static async Task AssertWalksAsync(SqliteHandlers store)
    {
        var all = await AllAsync(store);
        var dependenciesOf = all.ToDictionary(r => r.Id, r => r.Dependencies);
        foreach (var text in Texts)
        {
            var matches = all.Where(r => text is null || r.Name.Contains(text, StringComparison.Ordinal)).Select(r => r.Id).ToHashSet();

            var byCursor = await WalkAsync(cursor => store.Search.Handle(new SearchResourcesQuery(text, 0, 3, cursor), CancellationToken.None));
            var byOffset = await WalkByOffsetAsync(offset => store.Search.Handle(new SearchResourcesQuery(text, offset, 4), CancellationToken.None));

            Assert.Equal(byCursor, byOffset);
            Assert.Equal(matches.Count, byCursor.Count);
            Assert.Equal(matches.Order(), byCursor.Order());
            var seen = new HashSet<Guid>();
            foreach (var id in byCursor)
            {
                // Everything it depends on, directly or through non-matching resources, came first.
                Assert.All(Closure(id, dependenciesOf).Where(matches.Contains), d => Assert.Contains(d, seen));
                seen.Add(id);
            }
        }
        var listed = await WalkAsync(cursor => store.List.Handle(new ListResourcesQuery(0, 3, cursor), CancellationToken.None));
        Assert.Equal(all.Select(r => r.Id), listed);
    }

    private static async Task<List<Guid>> WalkAsync(Func<string?, ValueTask<PagedResult>> page)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var result = await page(cursor);
            ids.AddRange(result.Items.Select(r => r.Id));
            cursor = result.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    private static async Task<List<Guid>> WalkByOffsetAsync(Func<int, ValueTask<PagedResult>> page)
    {
        var ids = new List<Guid>();
        while (true)
        {
            var result = await page(ids.Count);
            if (result.Items.Count == 0)
            {
                return ids;
            }
            ids.AddRange(result.Items.Select(r => r.Id));
        }
    }

    private static async Task<IReadOnlyList<ResourceDto>> AllAsync(SqliteHandlers store) =>
        (await store.List.Handle(new ListResourcesQuery(0, Paging.MaxLimit), CancellationToken.None)).Items;

    private static HashSet<Guid> Closure(Guid id, Dictionary<Guid, IReadOnlyList<Guid>> dependenciesOf)
    {
        var reached = new HashSet<Guid>();
        var stack = new Stack<Guid>(dependenciesOf[id]);
        while (stack.TryPop(out var next))
        {
            if (reached.Add(next))
            {
                foreach (var further in dependenciesOf[next])
                {
                    stack.Push(further);
                }
            }
        }
        return reached;
    }
}

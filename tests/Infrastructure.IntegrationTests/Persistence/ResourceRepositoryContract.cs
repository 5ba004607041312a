using System.Diagnostics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Resources.UpdateResource;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// What every store backend must do, written once. Each backend has a subclass that only says
/// how to open an empty store; a backend that cannot run here skips every test with its reason.
/// </summary>
public abstract class ResourceRepositoryContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private IRepositoryHarness? _harness;

    /// <summary>Opens an empty store whose waits (write lock, connection) last <paramref name="timeoutSeconds"/>.</summary>
    protected abstract Task<IRepositoryHarness> OpenAsync(int timeoutSeconds);

    private async Task<IResourceRepository> RepositoryAsync(int timeoutSeconds = 5)
    {
        _harness ??= await OpenAsync(timeoutSeconds);
        return _harness.CreateRepository();
    }

    private IResourceRepository SecondRepository() => _harness!.CreateRepository();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    private static Resource NewResource(string name, DateTimeOffset at, string? description = null, params Guid[] dependencies) =>
        Resource.Create(Guid.NewGuid(), name, description, dependencies, at);

    private static async Task AddAsync(IResourceRepository repository, params Resource[] resources)
    {
        await using var transaction = await repository.BeginWriteAsync(None);
        foreach (var resource in resources)
        {
            await repository.AddAsync(resource, None);
        }
        await transaction.CommitAsync(None);
    }

    [SkippableFact]
    public async Task An_added_resource_reads_back_field_for_field_with_its_dependency_order()
    {
        var repository = await RepositoryAsync();
        var first = NewResource("first", T0);
        var second = NewResource("second", T0);
        // Listed in the opposite order to creation: the store must keep the client's order.
        var dependent = Resource.Create(Guid.NewGuid(), "Dependent", "Some Text", [second.Id, first.Id],
            T0.AddTicks(7_654)); // sub-millisecond ticks are cut by the domain, then must survive the store
        await AddAsync(repository, first, second, dependent);

        var read = await repository.FindAsync(dependent.Id, None);

        Assert.NotNull(read);
        Assert.Equal(dependent, read);
        Assert.Equal([second.Id, first.Id], read.Dependencies);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Null((await repository.FindAsync(first.Id, None))!.Description);
    }

    [SkippableFact]
    public async Task Finding_an_unknown_id_gives_null()
    {
        var repository = await RepositoryAsync();
        await AddAsync(repository, NewResource("only", T0));

        Assert.Null(await repository.FindAsync(Guid.NewGuid(), None));
        Assert.Null(await repository.FindAsync(Guid.Empty, None));
    }

    [SkippableFact]
    public async Task Listing_orders_by_created_time_then_by_id_text_and_pages_with_a_total()
    {
        var repository = await RepositoryAsync();
        // Same created time: the id text decides (ordinal), whatever the insertion order.
        Resource At(string id, DateTimeOffset time) => Resource.Create(Guid.Parse(id), id[..4], null, [], time);
        var late = At("00000000-0000-0000-0000-000000000001", T0.AddSeconds(1));
        var tieHigh = At("ffffffff-0000-0000-0000-000000000000", T0);
        var tieLow = At("0a000000-0000-0000-0000-000000000000", T0);
        var tieMiddle = At("a0000000-0000-0000-0000-000000000000", T0);
        var early = At("fffffff0-0000-0000-0000-000000000000", T0.AddSeconds(-1));
        await AddAsync(repository, late, tieHigh, early, tieLow, tieMiddle);

        var all = await repository.ListAsync(0, 10, None);
        var middle = await repository.ListAsync(1, 2, None);
        var beyond = await repository.ListAsync(5, 10, None);

        Assert.Equal([early.Id, tieLow.Id, tieMiddle.Id, tieHigh.Id, late.Id], all.Items.Select(r => r.Id));
        Assert.Equal(5, all.TotalCount);
        Assert.Equal([tieLow.Id, tieMiddle.Id], middle.Items.Select(r => r.Id));
        Assert.Equal(5, middle.TotalCount);
        Assert.Empty(beyond.Items);
        Assert.Equal(5, beyond.TotalCount);
    }

    [SkippableFact]
    public async Task Search_follows_the_dependency_order_the_writes_keep_and_a_cursor_continues_it()
    {
        var repository = await RepositoryAsync();
        // Created a, b, c, d; then a depends on d (forward: the order must change) and c on b
        // (backward: nothing moves). x does not match "node" and links b to a: b → x → a.
        var a = NewResource("node a", T0);
        var b = NewResource("node b", T0.AddSeconds(1));
        var c = NewResource("node c", T0.AddSeconds(2));
        var d = NewResource("node d", T0.AddSeconds(3));
        var x = NewResource("other x", T0.AddSeconds(4));
        await AddAsync(repository, a, b, c, d, x);
        async Task SetDependenciesAsync(Resource resource, params Guid[] dependencies)
        {
            await using var transaction = await repository.BeginWriteAsync(None);
            await repository.UpdateAsync(resource.Update(null, null, dependencies, T0.AddMinutes(1)), None);
            await transaction.CommitAsync(None);
        }
        await SetDependenciesAsync(a, d.Id);
        await SetDependenciesAsync(c, b.Id);
        await SetDependenciesAsync(x, b.Id);
        await SetDependenciesAsync(a, d.Id, x.Id);

        var all = await repository.SearchAsync("node", 0, 10, None);
        var first = await repository.SearchAsync("node", 0, 2, None);
        var rest = await repository.SearchAfterAsync("node", first.LastPosition!.Value, 10, None);

        var order = all.Items.Select(r => r.Id).ToList();
        Assert.Equal(4, all.TotalCount);
        Assert.Equal(new[] { a.Id, b.Id, c.Id, d.Id }.Order(), order.Order());
        Assert.True(order.IndexOf(d.Id) < order.IndexOf(a.Id));
        Assert.True(order.IndexOf(b.Id) < order.IndexOf(c.Id));
        Assert.True(order.IndexOf(b.Id) < order.IndexOf(a.Id), "a depends on b through x, which does not match");
        Assert.Equal(order, first.Items.Concat(rest.Items).Select(r => r.Id));
        Assert.Null((await repository.SearchAfterAsync("node", all.LastPosition!.Value, 10, None)).LastPosition);
    }

    [SkippableFact]
    public async Task Search_agrees_with_a_plain_substring_filter_through_creates_renames_and_deletes()
    {
        var repository = await RepositoryAsync();
        var random = new Random(20261125);
        const string alphabet = "abcAB \"'%_.*É\u00e9z";
        string Text(int min, int max) => new(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        var alive = new Dictionary<Guid, Resource>();
        var hits = 0;
        for (var step = 0; step < 120; step++)
        {
            var roll = random.Next(10);
            if (roll < 5 || alive.Count == 0)
            {
                var created = Resource.Create(Guid.CreateVersion7(), "n" + Text(1, 8), random.Next(2) == 0 ? null : Text(1, 10), [], T0.AddMilliseconds(step));
                await AddAsync(repository, created);
                alive[created.Id] = created;
            }
            else if (roll < 8)
            {
                var target = alive.Values.ElementAt(random.Next(alive.Count));
                var renamed = target.Update("r" + Text(1, 8), random.Next(2) == 0 ? "" : Text(1, 10), null, T0.AddMilliseconds(step));
                await repository.UpdateAsync(renamed, None);
                alive[renamed.Id] = renamed;
            }
            else
            {
                var target = alive.Keys.ElementAt(random.Next(alive.Count));
                await repository.DeleteAsync([target], T0.AddMilliseconds(step), None);
                alive.Remove(target);
            }

            // Short texts take the scan path, longer ones the index path on SQLite: both must agree with the rule.
            var text = Text(1, 5);
            if (alive.Count > 0 && random.Next(2) == 0)
            {
                // Half the time a piece of a stored name, so that most searches find something.
                var name = alive.Values.ElementAt(random.Next(alive.Count)).Name;
                var start = random.Next(name.Length);
                text = name.Substring(start, random.Next(1, Math.Min(6, name.Length - start) + 1)).ToUpperInvariant();
            }
            var key = text.ToLowerInvariant();
            var expected = alive.Values
                .Where(r => r.Name.ToLowerInvariant().Contains(key, StringComparison.Ordinal) || (r.Description?.ToLowerInvariant().Contains(key, StringComparison.Ordinal) ?? false))
                .Select(r => r.Id).Order().ToArray();
            var found = (await repository.SearchAsync(text, 0, 1000, None)).Items.Select(r => r.Id).Order().ToArray();
            Assert.True(expected.SequenceEqual(found), $"step {step}, q='{text}': expected {expected.Length}, found {found.Length}");
            hits += found.Length;
        }
        Assert.True(hits > 50, $"only {hits} matches over the whole run: the check would prove little");
    }

    [SkippableFact]
    public async Task A_page_after_a_cursor_continues_the_stable_order_across_equal_created_times()
    {
        var repository = await RepositoryAsync();
        Resource At(string id, DateTimeOffset time) => Resource.Create(Guid.Parse(id), id[..4], null, [], time);
        var early = At("fffffff0-0000-0000-0000-000000000000", T0.AddSeconds(-1));
        var tieLow = At("0a000000-0000-0000-0000-000000000000", T0);
        var tieMiddle = At("a0000000-0000-0000-0000-000000000000", T0);
        var tieHigh = At("ffffffff-0000-0000-0000-000000000000", T0);
        var late = At("00000000-0000-0000-0000-000000000001", T0.AddSeconds(1));
        await AddAsync(repository, late, tieHigh, early, tieLow, tieMiddle);

        var afterLow = await repository.ListAfterAsync(new ResourceCursor(tieLow.CreatedAt, tieLow.Id), 2, None);
        var afterHigh = await repository.ListAfterAsync(new ResourceCursor(tieHigh.CreatedAt, tieHigh.Id), 10, None);
        var afterLast = await repository.ListAfterAsync(new ResourceCursor(late.CreatedAt, late.Id), 10, None);
        var beforeAll = await repository.ListAfterAsync(new ResourceCursor(T0.AddDays(-1), Guid.Empty), 10, None);

        Assert.Equal([tieMiddle.Id, tieHigh.Id], afterLow.Items.Select(r => r.Id));
        Assert.Equal(5, afterLow.TotalCount);
        Assert.Equal([late.Id], afterHigh.Items.Select(r => r.Id));
        Assert.Empty(afterLast.Items);
        Assert.Equal([early.Id, tieLow.Id, tieMiddle.Id, tieHigh.Id, late.Id], beforeAll.Items.Select(r => r.Id));
    }

    [SkippableFact]
    public async Task Search_is_a_case_insensitive_substring_test_on_name_or_description_with_metacharacters_as_text()
    {
        var repository = await RepositoryAsync();
        var alphaName = NewResource("Alpha Service", T0);
        var alphaDescription = NewResource("beta", T0, "calls ALPHA too");
        var dotted = NewResource("a.b*c (v2)", T0);
        var lookalike = NewResource("axbbbc v2", T0, "[not] a^b$");
        var accented = NewResource("ÉCOLE", T0);
        await AddAsync(repository, alphaName, alphaDescription, dotted, lookalike, accented);

        async Task<Guid[]> Search(string? text) =>
            (await repository.SearchAsync(text, 0, 1000, None)).Items.Select(r => r.Id).Order().ToArray();
        Guid[] Ids(params Resource[] resources) => resources.Select(r => r.Id).Order().ToArray();

        Assert.Equal(Ids(alphaName, alphaDescription), await Search("aLpHa"));
        Assert.Equal(Ids(dotted), await Search("A.B*"));
        Assert.Equal(Ids(dotted), await Search("("));
        Assert.Equal(Ids(lookalike), await Search("[not]"));
        Assert.Equal(Ids(lookalike), await Search("^b$"));
        Assert.Equal(Ids(accented), await Search("école"));
        Assert.Equal(Ids(dotted, lookalike), await Search("V2"));
        Assert.Empty(await Search(".*"));
        Assert.Empty(await Search("nothing like it"));
        Assert.Equal(Ids(alphaName, alphaDescription, dotted, lookalike, accented), await Search(null));
    }

    [SkippableFact]
    public async Task Counting_and_finding_existing_ids_see_exactly_the_stored_resources()
    {
        var repository = await RepositoryAsync();
        var a = NewResource("a", T0);
        var b = NewResource("b", T0);
        await AddAsync(repository, a, b);
        var unknown = Guid.NewGuid();

        Assert.Equal(2, await repository.CountAsync(None));
        Assert.Equal(new HashSet<Guid> { a.Id }, await repository.FindExistingAsync([a.Id, unknown], None));
        Assert.Equal(new HashSet<Guid> { a.Id, b.Id }, await repository.FindExistingAsync([b.Id, a.Id], None));
        Assert.Empty(await repository.FindExistingAsync([], None));
    }

    [SkippableFact]
    public async Task Reachable_dependencies_follow_edges_from_the_roots_and_do_not_expand_past_the_stop()
    {
        var repository = await RepositoryAsync();
        var d = NewResource("d", T0);
        var c = NewResource("c", T0, null, d.Id);
        var b = NewResource("b", T0, null, c.Id);
        var a = NewResource("a", T0, null, b.Id, d.Id);
        var x = NewResource("x", T0, null, a.Id);
        var unrelated = NewResource("unrelated", T0, null, d.Id);
        await AddAsync(repository, d, c, b, a, x, unrelated);

        var fromA = await repository.LoadReachableDependenciesAsync([a.Id], x.Id, None);
        var stoppedAtB = await repository.LoadReachableDependenciesAsync([a.Id], b.Id, None);
        var fromUnknown = await repository.LoadReachableDependenciesAsync([Guid.NewGuid()], x.Id, None);

        // d has no dependencies and the unrelated resource is not reachable: neither is listed.
        Assert.Equal(new[] { a.Id, b.Id, c.Id }.Order(), fromA.Keys.Order());
        Assert.Equal([b.Id, d.Id], fromA[a.Id]);
        Assert.Equal([c.Id], fromA[b.Id]);
        Assert.Equal([d.Id], fromA[c.Id]);
        Assert.Equal([a.Id], stoppedAtB.Keys);
        Assert.Empty(fromUnknown);
    }

    [SkippableFact]
    public async Task Transitive_dependents_are_everyone_who_reaches_the_resource_but_not_the_resource()
    {
        var repository = await RepositoryAsync();
        var root = NewResource("root", T0);
        var direct = NewResource("direct", T0, null, root.Id);
        var indirect = NewResource("indirect", T0, null, direct.Id);
        var diamond = NewResource("diamond", T0, null, direct.Id, root.Id);
        var independent = NewResource("independent", T0);
        await AddAsync(repository, root, direct, indirect, diamond, independent);

        var ofRoot = await repository.FindTransitiveDependentsAsync(root.Id, None);
        var ofIndirect = await repository.FindTransitiveDependentsAsync(indirect.Id, None);

        Assert.Equal(new[] { direct.Id, indirect.Id, diamond.Id }.Order(), ofRoot.Order());
        Assert.Equal(ofRoot.Count, ofRoot.Distinct().Count());
        Assert.Empty(ofIndirect);
    }

    [SkippableFact]
    public async Task An_update_replaces_fields_and_the_dependency_list()
    {
        var repository = await RepositoryAsync();
        var a = NewResource("a", T0);
        var b = NewResource("b", T0);
        var subject = NewResource("subject", T0, "old", a.Id);
        await AddAsync(repository, a, b, subject);
        var updated = subject.Update("renamed", "", [b.Id, a.Id], T0.AddMinutes(1));

        await using (var transaction = await repository.BeginWriteAsync(None))
        {
            await repository.UpdateAsync(updated, None);
            await transaction.CommitAsync(None);
        }

        var read = await repository.FindAsync(subject.Id, None);
        Assert.Equal(updated, read);
        Assert.Equal(2, read!.Version);
        Assert.Null(read.Description);
        Assert.Equal([subject.Id], (await repository.SearchAsync("RENAMED", 0, 1000, None)).Items.Select(r => r.Id));
        Assert.Empty((await repository.SearchAsync("subject", 0, 1000, None)).Items);
    }

    [SkippableFact]
    public async Task An_update_use_case_that_changes_nothing_writes_nothing_and_answers_the_stored_version()
    {
        var repository = await RepositoryAsync();
        var a = NewResource("a", T0);
        var b = NewResource("b", T0);
        var subject = NewResource("subject", T0, "kept", a.Id, b.Id);
        await AddAsync(repository, a, b, subject);
        var handler = new UpdateResourceHandler(repository, TimeProvider.System);
        var id = subject.Id.ToString();

        UpdateResourceCommand[] noOps =
        [
            new(id, null, null, null),
            new(id, "  subject ", " kept", [a.Id.ToString(), b.Id.ToString()]),
            new(id, null, "kept", null, IfMatch: subject.ETag),
        ];
        foreach (var command in noOps)
        {
            var answer = await handler.Handle(command, None);
            Assert.Equal((subject.ETag, subject.UpdatedAt.UtcDateTime, "subject", "kept"), (answer.ETag, answer.UpdatedAt, answer.Name, answer.Description));
            Assert.Equal(subject.Dependencies, answer.Dependencies);
            Assert.Equal(subject, await repository.FindAsync(subject.Id, None));
        }

        // The same list in another order is a change: the order is the client's.
        var reordered = await handler.Handle(new(id, null, null, [b.Id.ToString(), a.Id.ToString()]), None);
        Assert.Equal("\"2\"", reordered.ETag);
        Assert.Equal(2, (await repository.FindAsync(subject.Id, None))!.Version);
    }

    [SkippableFact]
    public async Task Updating_a_resource_that_does_not_exist_is_not_found()
    {
        var repository = await RepositoryAsync();
        var ghost = NewResource("ghost", T0);

        await using var transaction = await repository.BeginWriteAsync(None);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => repository.UpdateAsync(ghost, None));
    }

    [SkippableFact]
    public async Task A_delete_removes_the_ids_from_survivors_which_get_a_new_version_and_a_later_update_time()
    {
        var repository = await RepositoryAsync();
        var target = NewResource("target", T0);
        var kept = NewResource("kept", T0);
        var dependent = NewResource("dependent", T0, null, kept.Id, target.Id);
        // Updated "in the future" relative to the delete: its updated time must still move forward.
        var future = NewResource("future", T0.AddHours(2), null, target.Id);
        var bystander = NewResource("bystander", T0, null, kept.Id);
        await AddAsync(repository, target, kept, dependent, future, bystander);
        var now = T0.AddHours(1);

        int deleted;
        await using (var transaction = await repository.BeginWriteAsync(None))
        {
            deleted = await repository.DeleteAsync([target.Id], now, None);
            await transaction.CommitAsync(None);
        }

        Assert.Equal(1, deleted);
        Assert.Null(await repository.FindAsync(target.Id, None));
        var dependentAfter = await repository.FindAsync(dependent.Id, None);
        Assert.Equal([kept.Id], dependentAfter!.Dependencies);
        Assert.Equal(2, dependentAfter.Version);
        Assert.Equal(now, dependentAfter.UpdatedAt);
        Assert.Equal(dependent.CreatedAt, dependentAfter.CreatedAt);
        var futureAfter = await repository.FindAsync(future.Id, None);
        Assert.Empty(futureAfter!.Dependencies);
        Assert.Equal(future.UpdatedAt.AddMilliseconds(1), futureAfter.UpdatedAt);
        Assert.Equal(bystander, await repository.FindAsync(bystander.Id, None));
        Assert.Equal(4, await repository.CountAsync(None));
    }

    [SkippableFact]
    public async Task A_delete_of_several_ids_counts_only_existing_ones_and_leaves_no_dangling_edge()
    {
        var repository = await RepositoryAsync();
        var bottom = NewResource("bottom", T0);
        var middle = NewResource("middle", T0, null, bottom.Id);
        var top = NewResource("top", T0, null, middle.Id, bottom.Id);
        await AddAsync(repository, bottom, middle, top);

        int deleted;
        await using (var transaction = await repository.BeginWriteAsync(None))
        {
            deleted = await repository.DeleteAsync([middle.Id, bottom.Id, Guid.NewGuid()], T0.AddMinutes(5), None);
            await transaction.CommitAsync(None);
        }

        Assert.Equal(2, deleted);
        var topAfter = await repository.FindAsync(top.Id, None);
        Assert.Empty(topAfter!.Dependencies);
        Assert.Equal(2, topAfter.Version);
        Assert.Empty(await repository.FindTransitiveDependentsAsync(bottom.Id, None));
    }

    [SkippableFact]
    public async Task A_write_unit_sees_its_own_writes_and_disposing_it_uncommitted_rolls_them_back()
    {
        var repository = await RepositoryAsync();
        var existing = NewResource("existing", T0);
        await AddAsync(repository, existing);
        var draft = NewResource("draft", T0, null, existing.Id);

        await using (await repository.BeginWriteAsync(None))
        {
            await repository.AddAsync(draft, None);
            await repository.DeleteAsync([existing.Id], T0.AddMinutes(1), None);
            Assert.Equal(draft with { Dependencies = [], UpdatedAt = T0.AddMinutes(1), Version = 2 }, await repository.FindAsync(draft.Id, None));
            Assert.Null(await repository.FindAsync(existing.Id, None));
        }

        Assert.Null(await repository.FindAsync(draft.Id, None));
        Assert.Equal(existing, await repository.FindAsync(existing.Id, None));
        Assert.Equal(1, await repository.CountAsync(None));
    }

    [SkippableFact]
    public async Task A_second_writer_waits_for_the_first_and_then_sees_its_committed_changes()
    {
        var first = await RepositoryAsync();
        var second = SecondRepository();
        var created = NewResource("created by the first writer", T0);

        var firstUnit = await first.BeginWriteAsync(None);
        // Task.Run: a backend may block the calling thread while it waits for the lock.
        var secondUnitTask = Task.Run(() => second.BeginWriteAsync(None));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(secondUnitTask.IsCompleted, "the second writer must wait while the first holds the write unit");

        await first.AddAsync(created, None);
        await firstUnit.CommitAsync(None);
        await firstUnit.DisposeAsync();

        await using var secondUnit = await secondUnitTask.WaitAsync(TimeSpan.FromSeconds(4));
        Assert.Equal(created, await second.FindAsync(created.Id, None));
        Assert.Equal(new HashSet<Guid> { created.Id }, await second.FindExistingAsync([created.Id], None));
    }

    [SkippableFact]
    public async Task A_writer_that_cannot_get_the_write_unit_within_the_timeout_gets_store_unavailable()
    {
        var first = await RepositoryAsync(timeoutSeconds: 1);
        var second = SecondRepository();

        await using var held = await first.BeginWriteAsync(None);
        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => Task.Run(() => second.BeginWriteAsync(None)));

        // Bounded by the 1 s timeout (a loaded CI machine may add a few seconds), never a hang.
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(6));
    }
}

public sealed class SqliteRepositoryContractTests : ResourceRepositoryContract
{
    protected override async Task<IRepositoryHarness> OpenAsync(int timeoutSeconds) => await SqliteHarness.CreateAsync(timeoutSeconds);
}

[Collection(MongoServerCollection.Name)]
public sealed class MongoRepositoryContractTests(MongoServerFixture server) : ResourceRepositoryContract
{
    protected override async Task<IRepositoryHarness> OpenAsync(int timeoutSeconds)
    {
        Skip.If(server.SkipReason is not null, "MongoDB contract suite skipped: " + server.SkipReason);
        return await MongoHarness.CreateAsync(server, timeoutSeconds);
    }
}

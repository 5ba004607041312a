using System.Diagnostics;
using System.Diagnostics.Metrics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.UpdateResource;
using CrudCqrs.Domain.Resources;
using Microsoft.Extensions.DependencyInjection;

namespace CrudCqrs.Application.UnitTests.Resources;

public sealed class UpdateResourceHandlerTests : ResourceHandlerTestBase
{
    private Task<ResourceDto> UpdateAsync(UpdateResourceCommand command) =>
        Store.Update.Handle(command, CancellationToken.None).AsTask();

    [Fact]
    public async Task Null_fields_keep_their_values_and_given_ones_replace_them()
    {
        var dependency = await CreateAsync("dependency");
        var original = await CreateAsync("name", "description", dependency);
        Store.Clock.Advance(TimeSpan.FromSeconds(5));

        var renamed = await UpdateAsync(new UpdateResourceCommand(original.Id.ToString(), "  renamed ", null, null));

        Assert.Equal("renamed", renamed.Name);
        Assert.Equal("description", renamed.Description);
        Assert.Equal(new[] { dependency.Id }, renamed.Dependencies);
        Assert.Equal(original.CreatedAt, renamed.CreatedAt);
        Assert.Equal(Store.Clock.Now.UtcDateTime, renamed.UpdatedAt);
        Assert.Equal("\"2\"", renamed.ETag);
        AssertSameResource(renamed, await GetAsync(original));

        var redescribed = await UpdateAsync(new UpdateResourceCommand(original.Id.ToString(), null, " new description ", null));
        Assert.Equal("renamed", redescribed.Name);
        Assert.Equal("new description", redescribed.Description);
        Assert.Equal(new[] { dependency.Id }, redescribed.Dependencies);
        Assert.Equal("\"3\"", redescribed.ETag);

        var cleared = await UpdateAsync(new UpdateResourceCommand(original.Id.ToString(), null, null, []));
        Assert.Empty(cleared.Dependencies);
        Assert.Equal("renamed", cleared.Name);
        Assert.Equal("new description", cleared.Description);
        Assert.Equal("\"4\"", cleared.ETag);
        AssertSameResource(cleared, await GetAsync(original));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_or_blank_description_clears_it(string description)
    {
        var original = await CreateAsync("name", "description");

        var updated = await UpdateAsync(new UpdateResourceCommand(original.Id.ToString(), null, description, null));

        Assert.Null(updated.Description);
        Assert.Null((await GetAsync(original)).Description);
    }

    [Fact]
    public async Task Updated_time_moves_forward_even_when_the_clock_does_not()
    {
        var original = await CreateAsync("name");

        var first = await UpdateAsync(new UpdateResourceCommand(original.Id.ToString(), "one", null, null));
        var second = await UpdateAsync(new UpdateResourceCommand(original.Id.ToString(), "two", null, null));

        Assert.Equal(original.UpdatedAt.AddMilliseconds(1), first.UpdatedAt);
        Assert.Equal(original.UpdatedAt.AddMilliseconds(2), second.UpdatedAt);
        Assert.Equal(second.UpdatedAt, (await GetAsync(original)).UpdatedAt);
    }

    [Fact]
    public async Task Replacing_dependencies_keeps_the_order_sent()
    {
        var a = await CreateAsync("a");
        var b = await CreateAsync("b");
        var c = await CreateAsync("c");
        var resource = await CreateAsync("resource", null, a, b);

        var updated = await SetDependenciesAsync(resource, c, b, a);

        Assert.Equal(new[] { c.Id, b.Id, a.Id }, updated.Dependencies);
        Assert.Equal(new[] { c.Id, b.Id, a.Id }, (await GetAsync(resource)).Dependencies);
    }

    [Fact]
    public async Task A_dependency_that_would_close_a_cycle_is_refused_with_the_path_and_nothing_changes()
    {
        var a = await CreateAsync("a");
        var b = await CreateAsync("b", null, a);
        var c = await CreateAsync("c", null, b);
        var unrelated = await CreateAsync("unrelated");

        var error = await Assert.ThrowsAsync<CircularDependencyException>(() =>
            UpdateAsync(new UpdateResourceCommand(a.Id.ToString(), "renamed", null, [unrelated.Id.ToString(), c.Id.ToString()])));

        Assert.Equal(new[] { a.Id, c.Id, b.Id, a.Id }, error.Cycle);
        AssertSameResource(a, await GetAsync(a));
    }

    [Fact]
    public async Task A_long_cycle_is_told_by_its_ends_while_the_trace_gets_the_whole_path()
    {
        // chain[i] depends on chain[i-1]; chain[0] depending on the last closes a cycle through all 31.
        var chain = new List<ResourceDto> { await CreateAsync("chain 0") };
        for (var i = 1; i <= 30; i++)
        {
            chain.Add(await CreateAsync($"chain {i}", null, chain[^1]));
        }
        var path = new[] { chain[0].Id }.Concat(chain.Select(r => r.Id).Reverse()).ToArray();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new CrudTelemetry(services.GetRequiredService<IMeterFactory>(), new StoreInfo("sqlite"));
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, telemetry.ActivitySource),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => stopped.Add(activity),
        };
        ActivitySource.AddActivityListener(listener);
        OperationScope.Begin(Operation<UpdateResourceCommand>.Descriptor, telemetry, activity: null);

        var error = await Assert.ThrowsAsync<CircularDependencyException>(() => SetDependenciesAsync(chain[0], chain[^1]));

        Assert.Equal(path, error.Cycle);
        Assert.Equal(31, error.Length);
        Assert.True(error.IsTruncated);
        Assert.Equal(path[..10].Concat(path[^10..]), error.Shown);
        Assert.InRange(error.Message.Length, 0, 21 * 40 + 100);
        Assert.Contains("31 resources", error.Message);
        Assert.DoesNotContain(path[15].ToString(), error.Message);

        var detected = Assert.Single(stopped.Single(a => a.OperationName == "cycle_check").Events);
        Assert.Equal("cycle_detected", detected.Name);
        var tags = detected.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(31, tags["cycle.length"]);
        Assert.Equal(path.Select(id => id.ToString()), (string[])tags["cycle.path"]!);
    }

    [Fact]
    public async Task The_reported_cycle_is_a_shortest_one()
    {
        // a <- b <- c <- d, and also a <- d directly: making a depend on d closes a -> d -> a.
        var a = await CreateAsync("a");
        var b = await CreateAsync("b", null, a);
        var c = await CreateAsync("c", null, b);
        var d = await CreateAsync("d", null, c, a);

        var error = await Assert.ThrowsAsync<CircularDependencyException>(() =>
            UpdateAsync(new UpdateResourceCommand(a.Id.ToString(), null, null, [d.Id.ToString()])));

        Assert.Equal(new[] { a.Id, d.Id, a.Id }, error.Cycle);
    }

    [Fact]
    public async Task Depending_on_itself_is_a_cycle()
    {
        var a = await CreateAsync("a");

        var error = await Assert.ThrowsAsync<CircularDependencyException>(() =>
            UpdateAsync(new UpdateResourceCommand(a.Id.ToString(), null, null, [a.Id.ToString()])));

        Assert.Equal(new[] { a.Id, a.Id }, error.Cycle);
        AssertSameResource(a, await GetAsync(a));
    }

    [Fact]
    public async Task Rewiring_that_only_removes_or_keeps_edges_is_accepted()
    {
        var a = await CreateAsync("a");
        var b = await CreateAsync("b", null, a);
        var c = await CreateAsync("c", null, b, a);

        var updated = await SetDependenciesAsync(c, a);

        Assert.Equal(new[] { a.Id }, updated.Dependencies);
        // A diamond is not a cycle.
        var d = await CreateAsync("d", null, b, c);
        Assert.Equal(new[] { b.Id, c.Id }, d.Dependencies);
    }

    [Fact]
    public async Task Unknown_dependencies_are_reported_by_position_and_nothing_changes()
    {
        var a = await CreateAsync("a");
        var b = await CreateAsync("b");
        var missing = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<UnknownDependenciesException>(() =>
            UpdateAsync(new UpdateResourceCommand(b.Id.ToString(), "renamed", null, [a.Id.ToString(), missing.ToString()])));

        Assert.Equal(new Dictionary<int, Guid> { [1] = missing }, error.UnknownByPosition);
        AssertSameResource(b, await GetAsync(b));
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("\"0\"")]
    [InlineData("1")]
    [InlineData("W/\"1\"")]
    [InlineData("\"2\", \"3\"")]
    public async Task A_mismatched_If_Match_fails_the_precondition_and_nothing_changes(string ifMatch)
    {
        var a = await CreateAsync("a");
        var resource = await CreateAsync("resource", "description");

        var error = await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            UpdateAsync(new UpdateResourceCommand(resource.Id.ToString(), "renamed", "changed", [a.Id.ToString()], ifMatch)));

        Assert.Equal(resource.Id, error.ResourceId);
        AssertSameResource(resource, await GetAsync(resource));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"1\"")]
    [InlineData("\"7\", \"1\"")]
    public async Task A_matching_If_Match_lets_the_update_through(string ifMatch)
    {
        var resource = await CreateAsync("resource");

        var updated = await UpdateAsync(new UpdateResourceCommand(resource.Id.ToString(), "renamed", null, null, ifMatch));

        Assert.Equal("renamed", updated.Name);
        Assert.Equal("\"2\"", updated.ETag);
    }

    [Fact]
    public async Task The_ETag_of_the_previous_version_no_longer_matches()
    {
        var resource = await CreateAsync("resource");
        await UpdateAsync(new UpdateResourceCommand(resource.Id.ToString(), "first", null, null, resource.ETag));

        await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            UpdateAsync(new UpdateResourceCommand(resource.Id.ToString(), "second", null, null, resource.ETag)));

        Assert.Equal("first", (await GetAsync(resource)).Name);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c")]
    public async Task Updating_a_missing_resource_is_not_found(string id)
    {
        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            UpdateAsync(new UpdateResourceCommand(id, "name", null, null)));

        Assert.Equal(id, error.ResourceId);
    }
}

using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

public sealed class ResourceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 30, 45, 123, TimeSpan.Zero);
    private static readonly Guid Id = Guid.Parse("3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c");
    private static readonly Guid DependencyA = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid DependencyB = Guid.Parse("22222222-2222-2222-2222-222222222222");

    [Fact]
    public void Create_trims_name_and_description_and_starts_at_version_one()
    {
        var resource = Resource.Create(Id, "  Frontend App \t", "  React frontend  ", [DependencyB, DependencyA], Now);

        Assert.Equal(Id, resource.Id);
        Assert.Equal("Frontend App", resource.Name);
        Assert.Equal("React frontend", resource.Description);
        Assert.Equal(new[] { DependencyB, DependencyA }, resource.Dependencies);
        Assert.Equal(1, resource.Version);
        Assert.Equal("\"1\"", resource.ETag);
        Assert.Equal(Now, resource.CreatedAt);
        Assert.Equal(resource.CreatedAt, resource.UpdatedAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Create_turns_a_missing_or_blank_description_into_null(string? description)
    {
        Assert.Null(Resource.Create(Id, "name", description, [], Now).Description);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_rejects_a_blank_name(string name)
    {
        Assert.Throws<ArgumentException>(() => Resource.Create(Id, name, null, [], Now));
    }

    [Fact]
    public void Create_accepts_100_characters_of_name_and_500_of_description_after_trimming_and_no_more()
    {
        var longest = Resource.Create(Id, " " + new string('n', 100) + " ", " " + new string('d', 500) + " ", [], Now);
        Assert.Equal(100, longest.Name.Length);
        Assert.Equal(500, longest.Description!.Length);

        Assert.Throws<ArgumentException>(() => Resource.Create(Id, new string('n', 101), null, [], Now));
        Assert.Throws<ArgumentException>(() => Resource.Create(Id, "name", new string('d', 501), [], Now));
    }

    [Fact]
    public void Create_rejects_a_dependency_on_itself()
    {
        Assert.Throws<ArgumentException>(() => Resource.Create(Id, "name", null, [DependencyA, Id], Now));
    }

    [Fact]
    public void Create_rejects_a_repeated_dependency()
    {
        Assert.Throws<ArgumentException>(() => Resource.Create(Id, "name", null, [DependencyA, DependencyB, DependencyA], Now));
    }

    [Fact]
    public void Create_copies_the_dependency_list_so_later_changes_to_the_callers_list_do_not_leak_in()
    {
        var dependencies = new List<Guid> { DependencyA };
        var resource = Resource.Create(Id, "name", null, dependencies, Now);

        dependencies.Add(DependencyB);

        Assert.Equal(new[] { DependencyA }, resource.Dependencies);
    }

    [Fact]
    public void Update_with_only_nulls_keeps_every_field_but_still_moves_version_and_updated_time()
    {
        var original = Resource.Create(Id, "name", "description", [DependencyA], Now);

        var updated = original.Update(null, null, null, Now.AddSeconds(1));

        Assert.Equal("name", updated.Name);
        Assert.Equal("description", updated.Description);
        Assert.Equal(new[] { DependencyA }, updated.Dependencies);
        Assert.Equal(original.CreatedAt, updated.CreatedAt);
        Assert.Equal(2, updated.Version);
        Assert.Equal("\"2\"", updated.ETag);
        Assert.Equal(Now.AddSeconds(1), updated.UpdatedAt);
    }

    [Fact]
    public void Same_content_means_the_same_name_description_and_dependencies_in_order_whatever_the_version()
    {
        var original = Resource.Create(Id, "name", "description", [DependencyA, DependencyB], Now);

        Assert.True(original.Update(" name ", "description ", [DependencyA, DependencyB], Now).HasSameContentAs(original));
        Assert.True(original.Update(null, null, null, Now).HasSameContentAs(original));
        Assert.False(original.Update("other", null, null, Now).HasSameContentAs(original));
        Assert.False(original.Update(null, "", null, Now).HasSameContentAs(original));
        Assert.False(original.Update(null, null, [DependencyB, DependencyA], Now).HasSameContentAs(original));
        Assert.False(original.Update(null, null, [DependencyA], Now).HasSameContentAs(original));
    }

    [Fact]
    public void Update_replaces_only_the_given_fields()
    {
        var original = Resource.Create(Id, "name", "description", [DependencyA], Now);

        var renamed = original.Update("  new name ", null, null, Now);
        Assert.Equal("new name", renamed.Name);
        Assert.Equal("description", renamed.Description);
        Assert.Equal(new[] { DependencyA }, renamed.Dependencies);

        var redescribed = original.Update(null, " other ", null, Now);
        Assert.Equal("name", redescribed.Name);
        Assert.Equal("other", redescribed.Description);

        var rewired = original.Update(null, null, [DependencyB, DependencyA], Now);
        Assert.Equal(new[] { DependencyB, DependencyA }, rewired.Dependencies);
        Assert.Equal("description", rewired.Description);

        var cleared = original.Update(null, null, [], Now);
        Assert.Empty(cleared.Dependencies);
    }

    [Fact]
    public void Update_with_a_blank_description_clears_it()
    {
        var original = Resource.Create(Id, "name", "description", [], Now);

        Assert.Null(original.Update(null, "   ", null, Now).Description);
    }

    [Fact]
    public void Update_leaves_the_original_instance_unchanged()
    {
        var original = Resource.Create(Id, "name", "description", [DependencyA], Now);

        _ = original.Update("other", "other", [DependencyB], Now.AddSeconds(1));

        Assert.Equal("name", original.Name);
        Assert.Equal(new[] { DependencyA }, original.Dependencies);
        Assert.Equal(1, original.Version);
        Assert.Equal(Now, original.UpdatedAt);
    }

    [Fact]
    public void Update_enforces_the_same_rules_as_create()
    {
        var original = Resource.Create(Id, "name", null, [], Now);

        Assert.Throws<ArgumentException>(() => original.Update("  ", null, null, Now));
        Assert.Throws<ArgumentException>(() => original.Update(null, null, [Id], Now));
        Assert.Throws<ArgumentException>(() => original.Update(null, null, [DependencyA, DependencyA], Now));
    }

    [Fact]
    public void Version_increments_by_one_on_every_update()
    {
        var resource = Resource.Create(Id, "name", null, [], Now);
        for (var expected = 2; expected <= 10; expected++)
        {
            resource = resource.Update(null, null, null, Now);
            Assert.Equal(expected, resource.Version);
        }
    }

    [Fact]
    public void Updated_time_strictly_increases_even_when_the_clock_stands_still_or_goes_back()
    {
        var resource = Resource.Create(Id, "name", null, [], Now);

        var sameInstant = resource.Update(null, null, null, Now);
        Assert.Equal(Now.AddMilliseconds(1), sameInstant.UpdatedAt);

        // Within the same millisecond, after truncation.
        var sameMillisecond = sameInstant.Update(null, null, null, Now.AddTicks(5000));
        Assert.Equal(Now.AddMilliseconds(2), sameMillisecond.UpdatedAt);

        var clockWentBack = sameMillisecond.Update(null, null, null, Now.AddMinutes(-5));
        Assert.Equal(Now.AddMilliseconds(3), clockWentBack.UpdatedAt);

        var clockMovedOn = clockWentBack.Update(null, null, null, Now.AddSeconds(2));
        Assert.Equal(Now.AddSeconds(2), clockMovedOn.UpdatedAt);
        Assert.Equal(Now, clockMovedOn.CreatedAt);
    }

    [Fact]
    public void Removing_deleted_dependencies_keeps_the_order_of_the_rest_and_moves_version_and_updated_time()
    {
        var resource = Resource.Create(Id, "name", null, [DependencyA, DependencyB, Guid.Empty], Now);

        var cleaned = resource.WithoutDependencies(new HashSet<Guid> { DependencyA }, Now);

        Assert.Equal(new[] { DependencyB, Guid.Empty }, cleaned.Dependencies);
        Assert.Equal(2, cleaned.Version);
        Assert.Equal(Now.AddMilliseconds(1), cleaned.UpdatedAt);
    }

    [Fact]
    public void Timestamps_are_truncated_to_milliseconds_and_kept_in_utc()
    {
        // 12:30:45.1239999 at +02:00 is 10:30:45.1239999 UTC.
        var local = new DateTimeOffset(2026, 11, 25, 12, 30, 45, 123, TimeSpan.FromHours(2)).AddTicks(9999);

        var resource = Resource.Create(Id, "name", null, [], local);

        Assert.Equal(TimeSpan.Zero, resource.CreatedAt.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 30, 45, 123, TimeSpan.Zero), resource.CreatedAt);
        Assert.Equal(0, resource.CreatedAt.Ticks % TimeSpan.TicksPerMillisecond);

        var updated = resource.Update(null, null, null, local.AddSeconds(1));
        Assert.Equal(TimeSpan.Zero, updated.UpdatedAt.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 30, 46, 123, TimeSpan.Zero), updated.UpdatedAt);
    }

    [Fact]
    public void Equal_resources_compare_their_dependency_lists_by_content()
    {
        var a = Resource.Create(Id, "name", null, [DependencyA, DependencyB], Now);
        var b = Resource.Create(Id, "name", null, [DependencyA, DependencyB], Now);
        var reordered = Resource.Create(Id, "name", null, [DependencyB, DependencyA], Now);

        Assert.Equal(a, b);
        Assert.NotEqual(a, reordered);
    }
}

using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Domain.UnitTests.Resources;

/// <summary>What a refusal says grows with what the client sent only up to a small bound.</summary>
public sealed class DomainExceptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(36)]
    [InlineData(64)]
    public void An_id_of_up_to_64_characters_is_echoed_as_sent(int length)
    {
        var id = new string('x', length);
        var error = new ResourceNotFoundException(id);
        Assert.Equal(id, error.ResourceId);
        Assert.Equal($"Resource '{id}' was not found.", error.Message);
    }

    [Fact]
    public void A_longer_id_is_cut_at_64_characters_and_marked_without_splitting_a_surrogate_pair()
    {
        Assert.Equal(new string('x', 64) + "…", new ResourceNotFoundException(new string('x', 20 * 1024)).ResourceId);

        var rocketAcrossTheCut = new string('x', 63) + "🚀" + new string('x', 100);
        Assert.Equal(new string('x', 63) + "…", new ResourceNotFoundException(rocketAcrossTheCut).ResourceId);
        Assert.True(new ResourceNotFoundException(new string('x', 20 * 1024)).Message.Length < 100);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(19)]
    public void A_cycle_path_of_up_to_20_ids_is_shown_whole(int resources)
    {
        var path = Path(resources);
        var error = new CircularDependencyException(path);

        Assert.Equal(path, error.Shown);
        Assert.False(error.IsTruncated);
        Assert.Equal(resources, error.Length);
        Assert.Equal("Circular dependency detected: " + string.Join(" → ", path), error.Message);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(2_000)]
    [InlineData(200_000)]
    public void A_longer_cycle_path_is_shown_by_its_first_and_last_10_ids_and_its_length(int resources)
    {
        var path = Path(resources);
        var error = new CircularDependencyException(path);

        Assert.True(error.IsTruncated);
        Assert.Equal(resources, error.Length);
        Assert.Equal(path.Take(10).Concat(path.TakeLast(10)), error.Shown);
        Assert.Same(path, error.Cycle);
        Assert.Contains($"through {resources} resources", error.Message);
        Assert.Contains($"… {resources + 1 - 20} more …", error.Message);
        Assert.DoesNotContain(path[10].ToString(), error.Message);
        Assert.InRange(error.Message.Length, 0, 20 * 39 + 120);
    }

    /// <summary>A cycle through <paramref name="resources"/> resources: their ids, the first repeated at the end.</summary>
    private static Guid[] Path(int resources)
    {
        var ids = Enumerable.Range(0, resources).Select(_ => Guid.NewGuid()).ToList();
        ids.Add(ids[0]);
        return ids.ToArray();
    }
}

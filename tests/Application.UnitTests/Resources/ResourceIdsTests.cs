using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.UnitTests.Validation;

namespace CrudCqrs.Application.UnitTests.Resources;

/// <summary>Ids travel as lowercase "D" GUID strings; any other spelling names no resource.</summary>
public sealed class ResourceIdsTests
{
    private const string Lowercase = "3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c";

    [Fact]
    public void The_lowercase_D_form_parses()
    {
        Assert.True(ResourceIds.TryParse(Lowercase, out var id));
        Assert.Equal(Lowercase, id.ToString());
    }

    [Theory]
    [InlineData("3F0C2A9E-6A51-4C3E-9D8E-0B6A4F1E2D7C")]
    [InlineData("3f0c2a9e-6a51-4c3e-9d8e-0B6A4F1E2D7C")]
    [InlineData(" 3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c")]
    [InlineData("3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c\n")]
    [InlineData("3f0c2a9e6a514c3e9d8e0b6a4f1e2d7c")]
    [InlineData("{3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c}")]
    [InlineData("")]
    [InlineData(null)]
    public void Any_other_spelling_does_not(string? text)
    {
        Assert.False(ResourceIds.TryParse(text, out _));
    }

    [Theory]
    [InlineData("3F0C2A9E-6A51-4C3E-9D8E-0B6A4F1E2D7C")]
    [InlineData(" 3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c")]
    public void A_dependency_spelled_otherwise_fails_validation_at_its_position(string text)
    {
        Assert.Equal(new[] { "dependencies[0]" }, new CreateResourceValidator().FailedFields(new CreateResourceCommand("name", null, [text])));
    }
}

public sealed class ResourceIdSpellingHandlerTests : ResourceHandlerTestBase
{
    [Fact]
    public async Task An_uppercase_id_does_not_find_the_resource()
    {
        var created = await CreateAsync("name");

        await Assert.ThrowsAsync<Domain.Resources.ResourceNotFoundException>(() =>
            Store.Get.Handle(new Application.Resources.GetResource.GetResourceQuery(created.Id.ToString().ToUpperInvariant()), CancellationToken.None).AsTask());
    }

    // Earlier than the other tests' clocks: ids only ever count up in a process, so a later
    // instant here would push the ids those tests create ahead of their clocks.
    private static readonly DateTimeOffset OneMillisecond = new(2020, 1, 1, 2, 40, 0, 123, TimeSpan.Zero);

    [Fact]
    public void New_ids_of_one_millisecond_come_out_in_the_order_they_were_issued()
    {
        var ids = Enumerable.Range(0, 5000).Select(_ => ResourceIds.NewId(OneMillisecond)).ToArray();
        var reference = Guid.CreateVersion7(OneMillisecond).ToString();

        for (var i = 1; i < ids.Length; i++)
        {
            Assert.True(ids[i - 1].CompareTo(ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]}");
            // The stores order ids as text; that order must agree.
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString(), ids[i].ToString()) < 0);
        }
        Assert.All(ids, id =>
        {
            var text = id.ToString();
            Assert.Equal(7, id.Version);
            Assert.Contains(text[19], "89ab");
            // The 48-bit millisecond timestamp is never behind the instant (other tests running at
            // the same time may have issued ids of a later one, which this one then follows).
            Assert.True(string.CompareOrdinal(text[..8] + text[9..13], reference[..8] + reference[9..13]) >= 0);
        });
    }

    [Fact]
    public void A_later_millisecond_gives_a_greater_id_and_so_does_a_clock_that_steps_back()
    {
        var now = ResourceIds.NewId(OneMillisecond.AddDays(1));
        var later = ResourceIds.NewId(OneMillisecond.AddDays(1).AddMilliseconds(1));
        var earlier = ResourceIds.NewId(OneMillisecond.AddDays(-1));

        Assert.True(now.CompareTo(later) < 0);
        Assert.True(later.CompareTo(earlier) < 0);
    }

    [Fact]
    public void Ids_issued_from_many_threads_at_once_are_unique()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 2000; i++)
            {
                ids.Add(ResourceIds.NewId(OneMillisecond.AddHours(1)));
            }
        });
        Assert.Equal(16000, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("01a2156b-2379-7695-bde0-ad262b189eeb", "01a2156b-2379-7695-bde0-ad262b189eec")]
    [InlineData("01a2156b-2379-7695-bde0-ffffffffffff", "01a2156b-2379-7695-bde1-000000000000")]
    [InlineData("01a2156b-2379-7695-bfff-ffffffffffff", "01a2156b-2379-7696-8000-000000000000")]
    [InlineData("01a2156b-2379-76ff-bfff-ffffffffffff", "01a2156b-2379-7700-8000-000000000000")]
    public void The_successor_counts_up_through_the_random_bits_keeping_version_and_variant(string id, string expected)
    {
        Assert.Equal(expected, ResourceIds.Successor(Guid.Parse(id)).ToString());
    }
}

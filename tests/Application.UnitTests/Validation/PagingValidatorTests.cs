using CrudCqrs.Application.Resources.ListResources;
using CrudCqrs.Application.Resources.SearchResources;

namespace CrudCqrs.Application.UnitTests.Validation;

public sealed class ListResourcesValidatorTests
{
    private readonly ListResourcesValidator _validator = new();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 100)]
    [InlineData(0, 1000)]
    [InlineData(int.MaxValue, 1)]
    public void Offsets_from_0_and_limits_from_1_to_1000_are_valid(int offset, int limit)
    {
        _validator.AssertValid(new ListResourcesQuery(offset, limit));
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        _validator.AssertValid(new ListResourcesQuery());
    }

    [Theory]
    [InlineData(-1, 10, "offset")]
    [InlineData(int.MinValue, 10, "offset")]
    [InlineData(0, 0, "limit")]
    [InlineData(0, -5, "limit")]
    [InlineData(0, 1001, "limit")]
    public void Out_of_range_values_fail_on_their_query_parameter(int offset, int limit, string field)
    {
        Assert.Equal(new[] { field }, _validator.FailedFields(new ListResourcesQuery(offset, limit)));
    }

    [Fact]
    public void Both_bad_parameters_are_reported()
    {
        Assert.Equal(new[] { "offset", "limit" }, _validator.FailedFields(new ListResourcesQuery(-1, 0)));
    }
}

public sealed class SearchResourcesValidatorTests
{
    private readonly SearchResourcesValidator _validator = new();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("%_[.*")]
    public void Any_short_query_is_valid(string? text)
    {
        _validator.AssertValid(new SearchResourcesQuery(text));
    }

    [Theory]
    [InlineData("ab\0")]
    [InlineData("\0\0\0")]
    [InlineData("\u0001x")]
    [InlineData("x\u009F")]
    public void A_query_with_a_control_character_fails_on_q_once(string text)
    {
        Assert.Equal(new[] { "q" }, _validator.FailedFields(new SearchResourcesQuery(text)));
        Assert.Equal(new[] { "q" }, _validator.FailedFields(new SearchResourcesQuery(text + new string('q', 201))));
    }

    [Fact]
    public void A_query_with_an_unpaired_surrogate_fails_on_q()
    {
        Assert.Equal(new[] { "q" }, _validator.FailedFields(new SearchResourcesQuery("x" + (char)0xD800)));
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("tab\there\r\n")]
    [InlineData("\u202Ertl")]
    public void A_query_may_hold_tabs_line_breaks_and_bidi_controls(string text)
    {
        _validator.AssertValid(new SearchResourcesQuery(text));
    }

    [Fact]
    public void The_query_may_have_200_characters_and_no_more()
    {
        _validator.AssertValid(new SearchResourcesQuery(new string('q', 200)));
        Assert.Equal(new[] { "q" }, _validator.FailedFields(new SearchResourcesQuery(new string('q', 201))));
    }

    [Theory]
    [InlineData(-1, 10, "offset")]
    [InlineData(0, 0, "limit")]
    [InlineData(0, 1001, "limit")]
    public void Paging_is_checked_as_for_listing(int offset, int limit, string field)
    {
        Assert.Equal(new[] { field }, _validator.FailedFields(new SearchResourcesQuery("x", offset, limit)));
    }

    [Fact]
    public void Every_bad_parameter_is_reported()
    {
        Assert.Equal(
            new[] { "offset", "limit", "q" }.Order(),
            _validator.FailedFields(new SearchResourcesQuery(new string('q', 201), -1, 0)).Order());
    }
}

using CrudCqrs.Application.Resources.CreateResource;

namespace CrudCqrs.Application.UnitTests.Validation;

public sealed class CreateResourceValidatorTests
{
    private readonly CreateResourceValidator _validator = new();
    private static readonly string Id1 = Guid.NewGuid().ToString();
    private static readonly string Id2 = Guid.NewGuid().ToString();

    private static CreateResourceCommand Command(string? name = "name", string? description = null, params string?[]? dependencies) =>
        new(name, description, dependencies);

    [Fact]
    public void A_minimal_command_is_valid()
    {
        _validator.AssertValid(new CreateResourceCommand("n", null, null));
        _validator.AssertValid(new CreateResourceCommand("n", null, []));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("\u200B")]
    [InlineData("\u200B\u200C\u200D")]
    [InlineData("\uFEFF")]
    [InlineData(" \u2060 \u00AD ")]
    [InlineData("\uFE0F")]
    [InlineData("\u3164\u3164")]
    [InlineData("\u2800")]
    [InlineData("\u115F\u1160\uFFA0")]
    [InlineData("\U000E0041\U000E0042")]
    [InlineData("\U000E0100")]
    [InlineData("\u034F\u180B")]
    public void A_missing_blank_or_invisible_name_fails_on_name_once(string? name)
    {
        Assert.Equal(new[] { "name" }, _validator.FailedFields(Command(name)));
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("ab\0")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("c1\u0085")]
    [InlineData("del\u007F")]
    [InlineData("admin\u202Egnp.exe")]
    [InlineData("\u202Aembedded")]
    [InlineData("\u2066isolated\u2069")]
    public void A_name_with_a_control_bidi_or_lone_surrogate_character_fails_on_name_once(string name)
    {
        Assert.Equal(new[] { "name" }, _validator.FailedFields(Command(name)));
    }

    [Fact]
    public void Unpaired_surrogates_fail_on_their_field_and_a_pair_is_fine()
    {
        // Built at run time: attribute arguments cannot hold an unpaired surrogate.
        foreach (var lone in new[] { "lone " + (char)0xD800 + " high", "lone " + (char)0xDC00 + " low", "end " + (char)0xDBFF })
        {
            Assert.Equal(new[] { "name" }, _validator.FailedFields(Command(lone)));
            Assert.Equal(new[] { "description" }, _validator.FailedFields(Command(description: lone)));
        }
        _validator.AssertValid(Command("pair " + (char)0xD83D + (char)0xDE80, "pair " + (char)0xD83D + (char)0xDE80));
    }

    [Theory]
    [InlineData("🚀 rocket")]
    [InlineData("العربية")]
    [InlineData("zero\u200Dwidth joiner")]
    [InlineData("\u200Fmark")]
    [InlineData("\u200Bvisible")]
    [InlineData("\u2764\uFE0F")]
    [InlineData("\u3164a")]
    [InlineData("\u0600")]
    [InlineData("\u06DD")]
    [InlineData("\U0001F600")]
    public void A_name_may_hold_any_other_text(string name)
    {
        _validator.AssertValid(Command(name));
    }

    [Theory]
    [InlineData("nul \0 inside", false)]
    [InlineData("bell \u0007", false)]
    [InlineData("first\tline\r\nsecond", true)]
    [InlineData("\u202Bright to left\u202C", true)]
    public void A_description_may_hold_tabs_line_breaks_and_bidi_controls_but_no_other_control_character(string description, bool valid)
    {
        Assert.Equal(valid ? [] : new[] { "description" }, _validator.FailedFields(Command(description: description)));
    }

    [Fact]
    public void The_name_may_have_100_characters_after_trimming_and_no_more()
    {
        _validator.AssertValid(Command("  " + new string('n', 100) + "  "));
        Assert.Equal(new[] { "name" }, _validator.FailedFields(Command(new string('n', 101))));
    }

    [Fact]
    public void The_description_may_have_500_characters_after_trimming_and_no_more()
    {
        _validator.AssertValid(Command(description: " " + new string('d', 500) + " "));
        _validator.AssertValid(Command(description: "   "));
        Assert.Equal(new[] { "description" }, _validator.FailedFields(Command(description: new string('d', 501))));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("3f0c2a9e6a514c3e9d8e0b6a4f1e2d7c")]
    [InlineData("{3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c}")]
    [InlineData("3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7")]
    public void A_malformed_dependency_fails_at_its_position(string? malformed)
    {
        Assert.Equal(new[] { "dependencies[2]" }, _validator.FailedFields(Command(dependencies: [Id1, Id2, malformed])));
    }

    [Fact]
    public void A_repeated_dependency_fails_at_the_repetition()
    {
        Assert.Equal(new[] { "dependencies[2]" }, _validator.FailedFields(Command(dependencies: [Id1, Id2, Id1])));
    }

    [Fact]
    public void Every_bad_position_is_reported()
    {
        Assert.Equal(
            new[] { "dependencies[0]", "dependencies[3]", "dependencies[4]" },
            _validator.FailedFields(Command(dependencies: ["x", Id1, Id2, Id2, "y"])));
    }

    [Fact]
    public void At_most_1000_dependencies()
    {
        _validator.AssertValid(Command(dependencies: ValidationAssertions.Ids(1000).Split(',')));
        Assert.Equal(new[] { "dependencies" }, _validator.FailedFields(Command(dependencies: ValidationAssertions.Ids(1001).Split(','))));
    }

    [Fact]
    public void Failures_in_several_fields_are_all_reported()
    {
        Assert.Equal(
            new[] { "name", "description", "dependencies[1]" },
            _validator.FailedFields(Command("", new string('d', 501), Id1, "bad")));
    }
}

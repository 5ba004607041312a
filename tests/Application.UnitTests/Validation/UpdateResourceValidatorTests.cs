using CrudCqrs.Application.Resources.UpdateResource;

namespace CrudCqrs.Application.UnitTests.Validation;

public sealed class UpdateResourceValidatorTests
{
    private readonly UpdateResourceValidator _validator = new();
    private static readonly string SelfId = Guid.NewGuid().ToString();
    private static readonly string Id1 = Guid.NewGuid().ToString();
    private static readonly string Id2 = Guid.NewGuid().ToString();

    private static UpdateResourceCommand Command(string? name = null, string? description = null, params string?[]? dependencies) =>
        new(SelfId, name, description, dependencies);

    [Fact]
    public void A_command_that_changes_nothing_is_valid()
    {
        _validator.AssertValid(Command(dependencies: null));
    }

    [Fact]
    public void An_empty_dependency_list_is_valid()
    {
        _validator.AssertValid(Command(dependencies: []));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_name_fails_on_name(string name)
    {
        Assert.Equal(new[] { "name" }, _validator.FailedFields(Command(name, dependencies: null)));
    }

    [Fact]
    public void The_name_may_have_100_characters_after_trimming_and_no_more()
    {
        _validator.AssertValid(Command(" " + new string('n', 100) + " ", dependencies: null));
        Assert.Equal(new[] { "name" }, _validator.FailedFields(Command(new string('n', 101), dependencies: null)));
    }

    [Fact]
    public void The_description_may_have_500_characters_after_trimming_and_no_more()
    {
        _validator.AssertValid(Command(description: new string('d', 500) + "  ", dependencies: null));
        _validator.AssertValid(Command(description: "", dependencies: null));
        Assert.Equal(new[] { "description" }, _validator.FailedFields(Command(description: new string('d', 501), dependencies: null)));
    }

    [Fact]
    public void A_dependency_on_itself_fails_at_its_position()
    {
        Assert.Equal(new[] { "dependencies[1]" }, _validator.FailedFields(Command(dependencies: [Id1, SelfId])));
    }

    [Fact]
    public void Malformed_and_repeated_dependencies_fail_at_their_positions()
    {
        Assert.Equal(
            new[] { "dependencies[1]", "dependencies[3]" },
            _validator.FailedFields(Command(dependencies: [Id1, "nope", Id2, Id1])));
    }

    [Fact]
    public void At_most_1000_dependencies()
    {
        _validator.AssertValid(Command(dependencies: ValidationAssertions.Ids(1000).Split(',')));
        Assert.Equal(new[] { "dependencies" }, _validator.FailedFields(Command(dependencies: ValidationAssertions.Ids(1001).Split(','))));
    }

    [Fact]
    public void A_malformed_resource_id_is_left_to_the_handler_as_not_found()
    {
        _validator.AssertValid(new UpdateResourceCommand("not-a-guid", "name", null, [Id1]));
    }
}

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
            Store.Get.Handle(new Application.Resources.GetResource.GetResourceQuery(created.Id.ToUpperInvariant()), CancellationToken.None).AsTask());
    }
}

using CrudCqrs.Application.Resources.GetResource;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.UnitTests.Resources;

public sealed class GetResourceHandlerTests : ResourceHandlerTestBase
{
    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    [InlineData("{3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c}")]
    [InlineData("3f0c2a9e6a514c3e9d8e0b6a4f1e2d7c")]
    [InlineData("3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c' OR '1'='1")]
    public async Task A_malformed_id_is_not_found_and_reported_as_sent(string id)
    {
        await CreateAsync("existing");

        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            Store.Get.Handle(new GetResourceQuery(id), CancellationToken.None).AsTask());

        Assert.Equal(id, error.ResourceId);
    }

    [Fact]
    public async Task A_well_formed_id_that_does_not_exist_is_not_found()
    {
        await CreateAsync("existing");
        var missing = Guid.NewGuid().ToString();

        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            Store.Get.Handle(new GetResourceQuery(missing), CancellationToken.None).AsTask());

        Assert.Equal(missing, error.ResourceId);
    }

    [Fact]
    public async Task Returns_the_stored_resource()
    {
        var dependency = await CreateAsync("dependency");
        var created = await CreateAsync("name", "description", dependency);

        var found = await GetAsync(created);

        Assert.Equal(created.Id, found.Id);
        Assert.Equal("name", found.Name);
        Assert.Equal("description", found.Description);
        Assert.Equal(new[] { dependency.Id }, found.Dependencies);
        Assert.Equal(created.CreatedAt, found.CreatedAt);
        Assert.Equal(created.ETag, found.ETag);
    }
}

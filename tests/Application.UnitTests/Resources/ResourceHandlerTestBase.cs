using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.GetResource;
using CrudCqrs.Application.Resources.UpdateResource;

namespace CrudCqrs.Application.UnitTests.Resources;

public abstract class ResourceHandlerTestBase : IDisposable
{
    protected SqliteHandlers Store { get; } = new();

    protected async Task<ResourceDto> CreateAsync(string name, string? description = null, params ResourceDto[] dependencies) =>
        await Store.Create.Handle(new CreateResourceCommand(name, description, dependencies.Select(d => d.Id.ToString()).ToArray()), CancellationToken.None);

    protected async Task<ResourceDto> GetAsync(ResourceDto resource) =>
        await Store.Get.Handle(new GetResourceQuery(resource.Id.ToString()), CancellationToken.None);

    protected async Task<ResourceDto> SetDependenciesAsync(ResourceDto resource, params ResourceDto[] dependencies) =>
        await Store.Update.Handle(new UpdateResourceCommand(resource.Id.ToString(), null, null, dependencies.Select(d => d.Id.ToString()).ToArray()), CancellationToken.None);

    protected async Task<bool> ExistsAsync(ResourceDto resource) =>
        await Store.Repository.FindAsync(resource.Id, CancellationToken.None) is not null;

    /// <summary>Field by field: the record's own equality compares the dependency lists by reference.</summary>
    protected static void AssertSameResource(ResourceDto expected, ResourceDto actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.Dependencies, actual.Dependencies);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.ETag, actual.ETag);
    }

    public void Dispose()
    {
        Store.Dispose();
        GC.SuppressFinalize(this);
    }
}

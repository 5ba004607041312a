using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.UnitTests.Resources;

public sealed class CreateResourceHandlerTests : ResourceHandlerTestBase
{
    [Fact]
    public async Task Stores_the_normalized_resource_and_returns_it()
    {
        var dependency = await CreateAsync("dependency");
        Store.Clock.Now = SqliteHandlers.Start.AddHours(1).AddTicks(12_345);

        var created = await Store.Create.Handle(
            new CreateResourceCommand("  Frontend App ", "  ", [dependency.Id.ToString()]), CancellationToken.None);

        Assert.NotEqual(Guid.Empty, created.Id);
        Assert.Equal("Frontend App", created.Name);
        Assert.Null(created.Description);
        Assert.Equal(new[] { dependency.Id }, created.Dependencies);
        var expectedTime = SqliteHandlers.Start.AddHours(1).AddMilliseconds(1).UtcDateTime;
        Assert.Equal(expectedTime, created.CreatedAt);
        Assert.Equal(expectedTime, created.UpdatedAt);
        Assert.Equal(DateTimeKind.Utc, created.CreatedAt.Kind);
        Assert.Equal("\"1\"", created.ETag);

        AssertSameResource(created, await GetAsync(created));
    }

    [Fact]
    public async Task Keeps_dependencies_in_the_order_sent()
    {
        var a = await CreateAsync("a");
        var b = await CreateAsync("b");
        var c = await CreateAsync("c");

        var created = await CreateAsync("d", null, c, a, b);

        Assert.Equal(new[] { c.Id, a.Id, b.Id }, created.Dependencies);
        Assert.Equal(new[] { c.Id, a.Id, b.Id }, (await GetAsync(created)).Dependencies);
    }

    [Fact]
    public async Task Reports_unknown_dependencies_by_position_and_stores_nothing()
    {
        var known0 = await CreateAsync("known 0");
        var known2 = await CreateAsync("known 2");
        var unknown1 = Guid.NewGuid();
        var unknown3 = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<UnknownDependenciesException>(() => Store.Create.Handle(
            new CreateResourceCommand("new", null, [known0.Id.ToString(), unknown1.ToString(), known2.Id.ToString(), unknown3.ToString()]),
            CancellationToken.None).AsTask());

        Assert.Equal(new Dictionary<int, Guid> { [1] = unknown1, [3] = unknown3 }, error.UnknownByPosition);
        Assert.Equal(2, await Store.Repository.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task No_dependency_list_means_no_dependencies()
    {
        var created = await Store.Create.Handle(new CreateResourceCommand("name", "description", null), CancellationToken.None);

        Assert.Empty(created.Dependencies);
        Assert.Empty((await GetAsync(created)).Dependencies);
    }

    [Fact]
    public async Task Gives_every_resource_a_new_id()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await CreateAsync("same name")).Id.ToString());
        }

        Assert.Equal(20, ids.Count);
    }
}

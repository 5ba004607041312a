using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests;

/// <summary>The in-memory host every suite uses: its own store, settings over its defaults, arrivals counted, nothing left behind.</summary>
public sealed class InMemoryServiceTests
{
    [Fact]
    public async Task Each_host_has_its_own_database_file_removed_with_its_directory_on_dispose()
    {
        var first = new InMemoryService();
        await using var second = new InMemoryService();
        var created = await first.CreateGuardedClient().CreateAsync("only in the first");

        Assert.True(File.Exists(first.DatabasePath));
        Assert.NotEqual(first.DatabasePath, second.DatabasePath);
        Assert.Equal(HttpStatusCode.NotFound, (await second.CreateGuardedClient().GetResourceAsync(created.Id)).Status);

        await first.DisposeAsync();

        Assert.False(Directory.Exists(first.DirectoryPath));
    }

    [Fact]
    public async Task Settings_go_over_the_defaults_and_every_request_that_reaches_the_server_is_counted()
    {
        // Development serves the document unless told otherwise.
        await using var plain = new InMemoryService();
        await using var withoutDocument = InMemoryService.Create(new Dictionary<string, string?> { ["OpenApi:Enabled"] = "false" });

        Assert.Equal(HttpStatusCode.OK, (await plain.CreateGuardedClient().FetchAsync("/swagger/v1/swagger.json")).Status);
        var client = withoutDocument.CreateGuardedClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.FetchAsync("/swagger/v1/swagger.json")).Status);
        }

        Assert.Equal(3, withoutDocument.RequestsArrived);
    }
}

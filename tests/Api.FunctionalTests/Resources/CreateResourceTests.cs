using System.Net;
using System.Text.Json;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Resources;

public sealed class CreateResourceTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Fact]
    public async Task Create_answers_201_with_location_etag_and_the_resource_in_camel_case()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var response = await _client.PostAsync(new { name = "  Frontend App  ", description = "  React frontend ", dependencies = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("application/json", response.Message.Content.Headers.ContentType?.MediaType);
        var json = response.Json;
        Assert.Equal(["id", "name", "description", "dependencies", "createdAt", "updatedAt"],
            json.EnumerateObject().Select(p => p.Name).ToArray());
        var resource = response.Resource;
        Assert.Matches(ApiCalls.LowercaseGuidPattern(), resource.Id);
        Assert.Equal("Frontend App", resource.Name);
        Assert.Equal("React frontend", resource.Description);
        Assert.Empty(resource.Dependencies);
        Assert.Matches(ApiCalls.UtcMillisecondsPattern(), resource.CreatedAt);
        Assert.Equal(resource.CreatedAt, resource.UpdatedAt);
        var created = DateTime.Parse(resource.CreatedAt, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(created, before, DateTime.UtcNow.AddSeconds(1));

        Assert.Equal($"/api/resources/{resource.Id}", response.Message.Headers.Location?.OriginalString);
        Assert.False(string.IsNullOrEmpty(response.ETag));

        var read = await _client.GetResourceAsync(resource.Id);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(response.Body, read.Body);
        Assert.Equal(response.ETag, read.ETag);
    }

    [Fact]
    public async Task Dependencies_keep_the_order_sent_and_absent_fields_get_defaults()
    {
        var a = await _client.CreateAsync("a");
        var b = await _client.CreateAsync("b");
        var c = await _client.CreateAsync("c");

        var response = await _client.PostAsync(new { name = "d", dependencies = new[] { c.Id, a.Id, b.Id } });
        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal([c.Id, a.Id, b.Id], response.Resource.Dependencies);

        var minimal = await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson("""{"name":"only a name"}"""));
        Assert.Equal(HttpStatusCode.Created, minimal.Status);
        Assert.Null(minimal.Resource.Description);
        Assert.Empty(minimal.Resource.Dependencies);
        Assert.Equal(JsonValueKind.Null, minimal.Json.GetProperty("description").ValueKind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public async Task Blank_description_is_stored_as_null(string description)
    {
        var resource = await _client.CreateAsync("blank description", description);
        Assert.Null(resource.Description);
        Assert.Null((await _client.GetResourceAsync(resource.Id)).Resource.Description);
    }

    [Fact]
    public async Task Names_and_descriptions_at_the_limits_are_accepted_after_trimming()
    {
        var name = new string('n', 100);
        var description = new string('d', 500);
        var resource = await _client.CreateAsync("  " + name + "  ", " " + description + " ");
        Assert.Equal(name, resource.Name);
        Assert.Equal(description, resource.Description);
    }

    [Fact]
    public async Task Unicode_text_round_trips()
    {
        var resource = await _client.CreateAsync("Ünïcødé 日本語 🚀", "Ελληνικά — \"quotes\" \\ backslash");
        var read = (await _client.GetResourceAsync(resource.Id)).Resource;
        Assert.Equal("Ünïcødé 日本語 🚀", read.Name);
        Assert.Equal("Ελληνικά — \"quotes\" \\ backslash", read.Description);
    }

    [Fact]
    public async Task Ids_are_distinct_lowercase_guids()
    {
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await _client.CreateAsync($"id {i}")).Id);
        }
        Assert.All(ids, id => Assert.Matches(ApiCalls.LowercaseGuidPattern(), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Unknown_dependency_is_a_validation_error_naming_its_position_and_nothing_is_stored()
    {
        var a = await _client.CreateAsync("known");
        var unknown = Guid.NewGuid().ToString();
        var before = await _client.SnapshotAsync();

        var response = await _client.PostAsync(new { name = "x", dependencies = new[] { a.Id, unknown } });

        var problem = response.AssertProblem(422, "ValidationError");
        Assert.Equal(["dependencies[1]"], problem.ErrorKeys());
        Assert.Contains(unknown, problem.GetProperty("errors").GetProperty("dependencies[1]")[0].GetString());
        Assert.Equal("/api/resources", problem.GetProperty("instance").GetString());
        Assert.Equal(before, await _client.SnapshotAsync());
    }

    [Fact]
    public async Task Duplicate_dependency_is_a_validation_error_at_the_repeated_position()
    {
        var a = await _client.CreateAsync("dup target");
        var b = await _client.CreateAsync("dup other");
        var before = await _client.SnapshotAsync();

        var response = await _client.PostAsync(new { name = "x", dependencies = new[] { a.Id, b.Id, a.Id } });

        Assert.Equal(["dependencies[2]"], response.AssertProblem(422, "ValidationError").ErrorKeys());
        Assert.Equal(before, await _client.SnapshotAsync());
    }
}

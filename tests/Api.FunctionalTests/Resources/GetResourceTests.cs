using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Resources;

public sealed class GetResourceTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Fact]
    public async Task Get_answers_200_with_the_resource_and_its_etag()
    {
        var a = await _client.CreateAsync("get a", "first");
        var b = await _client.CreateAsync("get b", null, a.Id);

        var response = await _client.GetResourceAsync(b.Id);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.Message.Content.Headers.ContentType?.MediaType);
        Assert.Equal(b, response.Resource);
        Assert.False(string.IsNullOrEmpty(response.ETag));
    }

    [Fact]
    public async Task Unknown_id_is_404_naming_the_id()
    {
        var id = Guid.NewGuid().ToString();
        var problem = (await _client.GetResourceAsync(id)).AssertProblem(404, "NotFoundError");
        Assert.Equal(id, problem.GetProperty("resourceId").GetString());
        Assert.Equal($"/api/resources/{id}", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Etag_changes_when_the_resource_changes()
    {
        var a = await _client.CreateAsync("etag");
        var first = (await _client.GetResourceAsync(a.Id)).ETag;
        Assert.Equal(first, (await _client.GetResourceAsync(a.Id)).ETag);
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(a.Id, new { description = "changed" })).Status);
        Assert.NotEqual(first, (await _client.GetResourceAsync(a.Id)).ETag);
    }

    [Fact]
    public async Task If_none_match_with_the_current_etag_is_304_with_the_etag_and_no_body()
    {
        var a = await _client.CreateAsync("conditional");
        var etag = (await _client.GetResourceAsync(a.Id)).ETag!;

        foreach (var ifNoneMatch in new[] { etag, "*", $"\"stale\", {etag}", $"W/{etag}" })
        {
            var response = await SendIfNoneMatchAsync(a.Id, ifNoneMatch);
            Assert.Equal(HttpStatusCode.NotModified, response.Status);
            Assert.Equal(etag, response.ETag);
            Assert.Equal("", response.Body);
        }
    }

    [Fact]
    public async Task If_none_match_with_an_old_etag_is_200_with_the_resource()
    {
        var a = await _client.CreateAsync("conditional changed");
        var old = (await _client.GetResourceAsync(a.Id)).ETag!;
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(a.Id, new { description = "changed" })).Status);

        var response = await SendIfNoneMatchAsync(a.Id, old);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.NotEqual(old, response.ETag);
        Assert.Equal("changed", response.Resource.Description);
    }

    [Fact]
    public async Task If_none_match_on_an_unknown_id_is_still_404()
    {
        var id = Guid.NewGuid().ToString();
        (await SendIfNoneMatchAsync(id, "*")).AssertProblem(404, "NotFoundError");
    }

    private Task<ApiResponse> SendIfNoneMatchAsync(string id, string ifNoneMatch) =>
        _client.SendAsync(HttpMethod.Get, $"{ApiCalls.Resources}/{id}",
            configure: request => request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch));
}

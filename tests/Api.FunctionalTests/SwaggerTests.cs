using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests;

public sealed class SwaggerTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Fact]
    public async Task Swagger_ui_is_served_and_links_the_openapi_document()
    {
        var ui = await _client.FetchAsync("/swagger");
        Assert.Equal(HttpStatusCode.OK, ui.Status);
        Assert.Equal("text/html", ui.Message.Content.Headers.ContentType?.MediaType);
        Assert.Contains("swagger-ui", ui.Body);

        // The UI's init script names the document by a URL relative to the UI page; follow it.
        Assert.Contains("index.js", ui.Body);
        var init = await _client.FetchAsync("/swagger/index.js");
        Assert.Equal(HttpStatusCode.OK, init.Status);
        var link = System.Text.RegularExpressions.Regex.Match(init.Body, "\"url\":\"([^\"]+\\.json)\"");
        Assert.True(link.Success, "the UI configuration names an OpenAPI document");
        var documentUrl = new Uri(new Uri("http://localhost/swagger/index.html"), link.Groups[1].Value).AbsolutePath;
        var document = await _client.FetchAsync(documentUrl);
        Assert.Equal(HttpStatusCode.OK, document.Status);
        Assert.StartsWith("3.", document.Json.GetProperty("openapi").GetString());
    }

    [Fact]
    public async Task Openapi_document_describes_every_endpoint()
    {
        var document = await _client.FetchAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, document.Status);
        var paths = document.Json.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/resources").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/resources").TryGetProperty("get", out _));
        var item = paths.GetProperty("/api/resources/{id}");
        foreach (var method in new[] { "get", "put", "delete" })
        {
            Assert.True(item.TryGetProperty(method, out _), method);
        }
        Assert.True(paths.GetProperty("/api/search").TryGetProperty("get", out _));
        var putResponses = item.GetProperty("put").GetProperty("responses");
        foreach (var status in new[] { "200", "400", "404", "412", "422" })
        {
            Assert.True(putResponses.TryGetProperty(status, out _), $"PUT documents {status}");
        }
    }
}

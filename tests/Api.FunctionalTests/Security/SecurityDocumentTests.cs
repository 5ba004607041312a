using System.Text.Json;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Security;

/// <summary>The OpenAPI document tells Swagger UI (and generated clients) which token and scope each operation needs.</summary>
public sealed class SecurityDocumentTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    [Fact]
    public async Task Bearer_scheme_is_declared_and_every_api_operation_requires_its_scope_and_documents_401_403_429()
    {
        var document = (await factory.CreateGuardedClient().FetchAsync("/swagger/v1/swagger.json")).Json;
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        // A write needs read too (security.md): its answers carry the resource.
        string[] write = ["resources:write", "resources:read"], read = ["resources:read"];
        var expected = new Dictionary<(string Path, string Method), string[]>
        {
            [("/api/resources", "post")] = write,
            [("/api/resources", "get")] = read,
            [("/api/resources/{id}", "get")] = read,
            [("/api/resources/{id}", "put")] = write,
            [("/api/resources/{id}", "delete")] = write,
            [("/api/search", "get")] = read,
        };
        foreach (var ((path, method), scope) in expected)
        {
            var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
            var requirement = Assert.Single(operation.GetProperty("security").EnumerateArray());
            var scopes = requirement.GetProperty("Bearer").EnumerateArray().Select(s => s.GetString()!).ToArray();
            Assert.Equal(scope, scopes);
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "401", "403", "429" })
            {
                Assert.True(responses.TryGetProperty(status, out var response), $"{method} {path} documents {status}");
                Assert.Equal(JsonValueKind.Object, response.GetProperty("content").GetProperty("application/problem+json").ValueKind);
            }
        }
    }
}

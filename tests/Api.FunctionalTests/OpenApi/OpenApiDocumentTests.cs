using System.Net;
using System.Text.Json.Nodes;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.Application.Errors;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.OpenApi;

/// <summary>
/// The OpenAPI document is a contract clients generate code from: the committed copy
/// (docs/openapi.json) must be what the code serves, and the document must describe every
/// answer as the service sends it.
/// </summary>
public sealed class OpenApiDocumentTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    public const string RegenerateCommand = "dotnet build src/Api -p:WriteOpenApi=true";

    private static readonly string CommittedPath = Path.Combine(RepositoryRoot.Path, "docs", "openapi.json");

    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Fact]
    public async Task The_committed_document_is_the_one_the_service_serves()
    {
        var served = await ServedAsync();
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath));

        Assert.True(JsonNode.DeepEquals(served, committed),
            $"docs/openapi.json differs from what the service serves; regenerate it with `{RegenerateCommand}` and commit it.");
    }

    [Fact]
    public async Task Every_operation_has_an_id_and_answers_500_and_503_with_retry_after()
    {
        var operations = Operations(await ServedAsync()).ToList();

        Assert.Equal(6, operations.Count);
        Assert.Equal(operations.Count, operations.Select(o => (string?)o.Operation["operationId"]).Distinct().Count());
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrEmpty((string?)operation["operationId"]), name);
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("500"), $"{name} documents 500");
            Assert.NotNull(responses["503"]?["headers"]?["Retry-After"]);
        }
    }

    [Fact]
    public async Task Every_error_answer_is_problem_json_with_the_schemas_of_its_kinds()
    {
        var document = await ServedAsync();
        foreach (var (name, operation) in Operations(document))
        {
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                Assert.NotNull(response!["headers"]?["X-Trace-Id"]);
                if (int.Parse(status) < 400)
                {
                    continue;
                }
                var content = response["content"]!.AsObject();
                Assert.Equal(["application/problem+json"], content.Select(c => c.Key));
                var schema = content["application/problem+json"]!["schema"]!;
                var references = schema["oneOf"] is JsonArray oneOf
                    ? oneOf.Select(s => (string)s!["$ref"]!).ToList()
                    : [(string)schema["$ref"]!];
                var expected = ErrorKinds.All
                    .Where(k => k.Status == int.Parse(status) && k != ErrorKinds.MethodNotAllowed && k != ErrorKinds.UnsupportedMediaType)
                    .Select(k => $"#/components/schemas/{k.Name}Problem");
                Assert.Equal(expected.Order(), references.Order());
            }
        }

        var schemas = document["components"]!["schemas"]!;
        Assert.Contains("errors", Required(schemas["ValidationErrorProblem"]!));
        Assert.Contains("resourceId", Required(schemas["NotFoundErrorProblem"]!));
        Assert.Contains("cycle", Required(schemas["CircularDependencyErrorProblem"]!));
        Assert.Equal("NotFoundError", (string?)schemas["NotFoundErrorProblem"]!["properties"]!["error"]!["enum"]![0]);
    }

    [Fact]
    public async Task Create_requires_a_non_null_name_and_every_answer_documents_its_headers()
    {
        var document = await ServedAsync();
        var create = document["components"]!["schemas"]!["CreateResourceRequest"]!;
        Assert.Contains("name", Required(create));
        Assert.Null(create["properties"]!["name"]!["nullable"]);
        Assert.NotNull(create["example"]);

        var paths = document["paths"]!;
        Assert.NotNull(paths["/api/resources"]!["post"]!["responses"]!["201"]!["headers"]!["Location"]);
        Assert.NotNull(paths["/api/resources"]!["post"]!["responses"]!["201"]!["headers"]!["ETag"]);
        foreach (var header in new[] { "X-Total-Count", "X-Next-Cursor", "Link" })
        {
            Assert.NotNull(paths["/api/resources"]!["get"]!["responses"]!["200"]!["headers"]![header]);
        }
        Assert.NotNull(paths["/api/resources/{id}"]!["get"]!["responses"]!["304"]!["headers"]!["ETag"]);
        Assert.NotNull(paths["/api/resources/{id}"]!["put"]!["responses"]!["200"]!["headers"]!["ETag"]);
    }

    private async Task<JsonNode> ServedAsync()
    {
        var response = await _client.FetchAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return JsonNode.Parse(response.Body)!;
    }

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        select ($"{operation.Key.ToUpperInvariant()} {path.Key}", operation.Value!.AsObject());

    private static IEnumerable<string> Required(JsonNode schema) => schema["required"]!.AsArray().Select(r => (string)r!);
}

using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;

namespace CrudCqrs.Api.FunctionalTests.OpenApi;

public sealed class OpenApiDocumentCacheTests(DocumentCountingService factory) : IClassFixture<DocumentCountingService>
{
    [Fact]
    public async Task The_document_is_built_once_and_then_served_from_memory()
    {
        var client = factory.CreateGuardedClient();
        var before = DocumentBuilds.Count;
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.FetchAsync("/swagger/v1/swagger.json")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.Single(answers.Select(answer => answer.Body).Distinct());
        Assert.Equal(1, DocumentBuilds.Count - before);
    }
}

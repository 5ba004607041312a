using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.FunctionalTests.OpenApi;

/// <summary>The app with a document filter that counts how often Swashbuckle builds the document.</summary>
public sealed class CountingDocumentApiFactory : ApiFactory
{
    public int Builds => DocumentBuilds.Count;

    protected override void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(services =>
        {
            services.ConfigureSwaggerGen(options => options.DocumentFilter<DocumentBuilds>());
        });
}

/// <summary>Counts every build of the document (one filter instance per build, so the count is static).</summary>
public sealed class DocumentBuilds : IDocumentFilter
{
    private static int _count;

    public static int Count => Volatile.Read(ref _count);

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context) => Interlocked.Increment(ref _count);
}

public sealed class OpenApiDocumentCacheTests(CountingDocumentApiFactory factory) : IClassFixture<CountingDocumentApiFactory>
{
    [Fact]
    public async Task The_document_is_built_once_and_then_served_from_memory()
    {
        var client = factory.CreateGuardedClient();
        var before = factory.Builds;
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.FetchAsync("/swagger/v1/swagger.json")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.Single(answers.Select(answer => answer.Body).Distinct());
        Assert.Equal(1, factory.Builds - before);
    }
}

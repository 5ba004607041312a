using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.FunctionalTests.OpenApi;

/// <summary>Counts every build of the document (one filter instance per build, so the count is static).</summary>
public sealed class DocumentBuilds : IDocumentFilter
{
    private static int _count;

    public static int Count => Volatile.Read(ref _count);

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context) => Interlocked.Increment(ref _count);
}

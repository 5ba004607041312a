using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.OpenApi;

/// <summary>What the document says about itself: where the API is, and what its tags group.</summary>
public sealed class DocumentInfo : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        // Relative: the API is wherever this document was fetched from.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The service that serves this document" }];
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Resources", Description = "Create, read, list, update and delete resources; the dependency graph stays acyclic." },
            new() { Name = "Search", Description = "Resources whose name or description contains a text, in dependency order." },
        };
    }
}

using Microsoft.AspNetCore.Mvc.Controllers;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.OpenApi;

/// <summary>The OpenAPI document: served at /swagger/v1/swagger.json, committed as docs/openapi.json.</summary>
public static class OpenApiDocumentSetup
{
    public const string DocumentName = "v1";

    public static void Configure(SwaggerGenOptions options)
    {
        options.SwaggerDoc(DocumentName, new()
        {
            Title = "CrudCqrs API",
            Version = "v1",
            Description = "Resources that depend on each other, kept acyclic. The contract in words: docs/api.md.",
        });
        // createResource, listResources, ...: stable names for generated clients.
        options.CustomOperationIds(description => description.ActionDescriptor is ControllerActionDescriptor action
            ? OperationId(action.ActionName, action.ControllerName)
            : null);
        var xml = Path.Combine(AppContext.BaseDirectory, "CrudCqrs.Api.xml");
        if (File.Exists(xml))
        {
            options.IncludeXmlComments(xml);
        }
        options.SchemaFilter<ResourceSchemas>();
        options.OperationFilter<ContractResponses>();
        options.DocumentFilter<ProblemSchemas>();
        options.DocumentFilter<DocumentInfo>();
    }

    private static string OperationId(string action, string controller) => (action, controller) switch
    {
        ("Search", _) => "searchResources",
        ("List", _) => "listResources",
        _ => char.ToLowerInvariant(action[0]) + action[1..] + "Resource",
    };
}

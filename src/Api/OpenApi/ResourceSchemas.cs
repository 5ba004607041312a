using System.Text.Json.Nodes;
using CrudCqrs.Api.Controllers;
using CrudCqrs.Application.Resources;
using CrudCqrs.Domain.Resources;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.OpenApi;

/// <summary>
/// The rules of docs/api.md on the resource schemas: which members are required and which may be
/// null, their lengths, and an example of each. The request records keep their members nullable
/// in C# so that a missing name reaches the validator (422 naming the field), not model binding.
/// </summary>
public sealed class ResourceSchemas : ISchemaFilter
{
    private const string ExampleId = "0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f00";
    private const string ExampleDependency = "0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f01";

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target || target.Properties is null)
        {
            return;
        }
        if (context.Type == typeof(CreateResourceRequest) || context.Type == typeof(UpdateResourceRequest))
        {
            // Unknown members are ignored, as they were by the older service.
            target.AdditionalPropertiesAllowed = true;
            target.AdditionalProperties = null;
        }
        if (context.Type == typeof(ResourceDto))
        {
            Member(target, "id").Format = "uuid";
            Member(target, "dependencies").Type = JsonSchemaType.Array;
            Member(target, "dependencies").Description = "Ids of the resources this one depends on, in the order sent.";
            target.Required = new HashSet<string> { "id", "name", "description", "dependencies", "createdAt", "updatedAt" };
            target.Example = new JsonObject
            {
                ["id"] = ExampleId,
                ["name"] = "Backend",
                ["description"] = "Go service",
                ["dependencies"] = new JsonArray(ExampleDependency),
                ["createdAt"] = "2026-11-24T10:30:45.123Z",
                ["updatedAt"] = "2026-11-24T10:30:45.123Z",
            };
        }
        else if (context.Type == typeof(CreateResourceRequest))
        {
            Name(target, nullable: false);
            Rest(target);
            target.Required = new HashSet<string> { "name" };
            target.Example = new JsonObject
            {
                ["name"] = "Backend",
                ["description"] = "Go service",
                ["dependencies"] = new JsonArray(ExampleDependency),
            };
        }
        else if (context.Type == typeof(UpdateResourceRequest))
        {
            Name(target, nullable: true);
            Rest(target);
            target.Example = new JsonObject { ["description"] = "Go service, v2" };
        }
    }

    private const string NameRule =
        "1–100 characters after trimming, at least one of which shows (not only spaces or zero-width characters); "
        + "no control characters, bidirectional controls or unpaired surrogates.";

    private static void Name(OpenApiSchema schema, bool nullable)
    {
        var name = Member(schema, "name");
        name.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        name.MinLength = 1;
        name.MaxLength = Resource.NameMaxLength;
        name.Description = nullable
            ? "Absent or null keeps the name; otherwise as on create: " + NameRule
            : NameRule;
    }

    private static void Rest(OpenApiSchema schema)
    {
        var description = Member(schema, "description");
        description.Type = JsonSchemaType.String | JsonSchemaType.Null;
        description.MaxLength = Resource.DescriptionMaxLength;
        description.Description = "At most 500 characters after trimming; blank becomes null.";
        var dependencies = Member(schema, "dependencies");
        dependencies.Type = JsonSchemaType.Array | JsonSchemaType.Null;
        dependencies.Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" };
        dependencies.MaxItems = ResourceRules.MaxDependencies;
        dependencies.Description = "Ids of existing resources, no repeats, never the resource itself; the order is kept.";
    }

    private static OpenApiSchema Member(OpenApiSchema schema, string name) =>
        schema.Properties![name] as OpenApiSchema ?? throw new InvalidOperationException($"'{name}' is a reference, not an inline schema");
}

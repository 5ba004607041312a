using System.Text.Json.Nodes;
using CrudCqrs.Application.Errors;
using CrudCqrs.Domain.Resources;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.OpenApi;

/// <summary>
/// One problem schema per row of <see cref="ErrorKinds"/> (<c>NotFoundErrorProblem</c>, ...): the
/// RFC 9457 members every problem has, the kind's <c>error</c> name and status as constants, and
/// the members only that kind carries. Generators get one type per kind; validators can tell
/// the kinds of a status apart by <c>error</c>.
/// </summary>
public sealed class ProblemSchemas : IDocumentFilter
{
    /// <summary>The kinds an API operation can answer with; the rest never leave the server as a body (499) or come from outside any operation (405, 415).</summary>
    public static IReadOnlyList<ErrorKind> Documented { get; } = ErrorKinds.All
        .Where(kind => kind != ErrorKinds.ClientClosedRequest && kind != ErrorKinds.MethodNotAllowed && kind != ErrorKinds.UnsupportedMediaType)
        .ToList();

    public static string SchemaName(ErrorKind kind) => kind.Name + "Problem";

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.Remove("ProblemDetails");
        var used = UsedSchemaNames(document);
        foreach (var kind in Documented.Where(kind => used.Contains(SchemaName(kind))))
        {
            document.Components.Schemas[SchemaName(kind)] = Build(kind);
        }
    }

    /// <summary>The problem schemas some answer refers to: kinds no operation can answer with yet stay out.</summary>
    private static HashSet<string> UsedSchemaNames(OpenApiDocument document)
    {
        var used = new HashSet<string>();
        foreach (var media in from path in document.Paths.Values
                              from operation in path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()
                              from response in operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()
                              from media in response.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>()
                              select media)
        {
            var schemas = new List<IOpenApiSchema?> { media.Schema };
            if (media.Schema is OpenApiSchema { OneOf: { } oneOf })
            {
                schemas.AddRange(oneOf);
            }
            used.UnionWith(schemas.OfType<OpenApiSchemaReference>().Select(reference => reference.Reference.Id).OfType<string>());
        }
        return used;
    }

    private static OpenApiSchema Build(ErrorKind kind)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("A URI naming the status, e.g. https://httpstatuses.io/404."),
            ["title"] = Text("A short summary of the kind of failure, e.g. " + kind.Title + "."),
            ["status"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer,
                Format = "int32",
                Description = "The HTTP status.",
                Enum = [JsonValue.Create(kind.Status)],
            },
            ["detail"] = NullableText("What went wrong with this request."),
            ["instance"] = NullableText("The path of the request."),
            ["error"] = Text("The kind of failure; the same names as the older service.", kind.Name),
            ["traceId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                Pattern = "^[0-9a-f]{32}$",
                Description = "The request's trace id, as in the X-Trace-Id header.",
            },
        };
        var required = new HashSet<string> { "type", "title", "status", "error", "traceId" };
        var example = new JsonObject
        {
            ["type"] = $"https://httpstatuses.io/{kind.Status}",
            ["title"] = kind.Title,
            ["status"] = kind.Status,
            ["detail"] = ExampleDetail(kind),
            ["instance"] = "/api/resources/0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f00",
            ["error"] = kind.Name,
            ["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736",
        };

        if (kind == ErrorKinds.Validation)
        {
            properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Field name (camelCase, e.g. name, dependencies[2], limit, cursor) → its messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
            required.Add("errors");
            example["errors"] = new JsonObject { ["name"] = new JsonArray("'name' must not be empty.") };
        }
        else if (kind == ErrorKinds.NotFound)
        {
            properties["resourceId"] = Text("The id as the client sent it; one longer than 64 characters is cut there and ends in '…'.");
            required.Add("resourceId");
            example["resourceId"] = "0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f00";
        }
        else if (kind == ErrorKinds.CircularDependency)
        {
            properties["cycle"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "The ids along the cycle, from the updated resource back to it (the first repeated at the end); " +
                    "of a path longer than 20 ids, its first 10 and its last 10 (cycleTruncated).",
                Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
                MinItems = 2,
                MaxItems = 2 * CircularDependencyException.EndsShown,
            };
            properties["cycleLength"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer,
                Format = "int32",
                Minimum = "2",
                Description = "How many resources the cycle passes through: the path's ids, the repeated first one counted once.",
            };
            properties["cycleTruncated"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Boolean,
                Description = "True when cycle leaves out the middle of the path (between its 10th and 11th ids).",
            };
            required.Add("cycle");
            required.Add("cycleLength");
            required.Add("cycleTruncated");
            example["cycle"] = new JsonArray("0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f00", "0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f01", "0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f00");
            example["cycleLength"] = 2;
            example["cycleTruncated"] = false;
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = $"{kind.Status} {kind.Name}: an RFC 9457 problem.",
            Properties = properties,
            Required = required,
            Example = example,
        };
    }

    private static string ExampleDetail(ErrorKind kind) => kind.Name switch
    {
        "ValidationError" => "One or more fields are invalid.",
        "NotFoundError" => "Resource '0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f00' was not found.",
        "CircularDependencyError" => "The update would close a cycle through 2 resources, from 0195d3a4-7c1e-7b11-9f6a-2b9e8c1d4f00 back to itself; 'cycle' lists its path.",
        "DatabaseUnavailable" => "The database is unavailable; retry in 5 seconds.",
        "InternalError" => "An unexpected error occurred; the trace id identifies it in the logs.",
        _ => kind.Title + ".",
    };

    private static OpenApiSchema Text(string description, string? only = null) => new()
    {
        Type = JsonSchemaType.String,
        Description = description,
        Enum = only is null ? null : [JsonValue.Create(only)],
    };

    private static OpenApiSchema NullableText(string description) => new()
    {
        Type = JsonSchemaType.String | JsonSchemaType.Null,
        Description = description,
    };
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.Security;

/// <summary>
/// Marks every operation that has a scope policy as needing a bearer token with that scope, and
/// documents its 401, 403 and 429 answers, so Swagger UI offers Authorize and sends the token.
/// </summary>
public sealed class BearerSecurityFilter : IOperationFilter
{
    public const string SchemeName = "Bearer";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var scopes = context.ApiDescription.ActionDescriptor.EndpointMetadata
            .OfType<AuthorizeAttribute>()
            .Select(attribute => attribute.Policy)
            .OfType<string>()
            .Distinct()
            .ToList();
        if (scopes.Count == 0)
        {
            return;
        }
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = scopes });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", Problem("No valid bearer token (only when Auth__Mode=Jwt); WWW-Authenticate says why.", context));
        operation.Responses.TryAdd("403", Problem($"The token lacks the scope {string.Join(", ", scopes)}.", context));
        operation.Responses.TryAdd("429", Problem("Too many requests from this client; Retry-After says when to try again.", context));
    }

    private static OpenApiResponse Problem(string description, OperationFilterContext context)
    {
        var schema = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository);
        return new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }
}

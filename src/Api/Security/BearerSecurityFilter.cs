using CrudCqrs.Api.OpenApi;
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
        // The action's attributes, not its endpoint metadata: open mode removes the latter.
        var scopes = context.MethodInfo.GetCustomAttributes(typeof(AuthorizeAttribute), inherit: true)
            .OfType<AuthorizeAttribute>()
            .Select(attribute => attribute.Policy)
            .OfType<string>()
            .SelectMany(Scopes.RequiredBy)
            .Distinct()
            .ToList();
        if (scopes.Count == 0)
        {
            return;
        }
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = scopes });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", Problem(401, "No valid bearer token (only when Auth__Mode=Jwt); WWW-Authenticate says why."));
        operation.Responses.TryAdd("403", Problem(403, $"The token lacks the scope {string.Join(" or ", scopes)} (the problem's detail and WWW-Authenticate name the missing one)."));
        operation.Responses.TryAdd("429", Problem(429, "Too many requests from this client; Retry-After says when to try again."));
    }

    private static OpenApiResponse Problem(int status, string description) =>
        ContractResponses.Describe(new OpenApiResponse { Description = description }, status);
}

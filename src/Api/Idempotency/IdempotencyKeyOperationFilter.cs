using CrudCqrs.Api.OpenApi;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.Idempotency;

/// <summary>Documents the <c>Idempotency-Key</c> header and its 409 on every action marked <see cref="IdempotentAttribute"/>.</summary>
public sealed class IdempotencyKeyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.MethodInfo.IsDefined(typeof(IdempotentAttribute), inherit: false))
        {
            return;
        }
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyFilter.HeaderName,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Makes a retry safe: a repeat with the same key, method, path and body replays the first answer " +
                "(status, body, Location, ETag) without writing again; the same key with a different request is 422; " +
                "a repeat while the first is still running is 409. Keys are kept for Idempotency__RetentionHours (24 h by default).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyFilter.MaxKeyLength, Pattern = "^[\\x21-\\x7E]+$" },
        });
        operation.Responses ??= [];
        if (!operation.Responses.ContainsKey("409"))
        {
            operation.Responses["409"] = ContractResponses.Describe(
                new OpenApiResponse { Description = "A request with the same Idempotency-Key is still running (error Conflict)." }, 409);
        }
    }
}

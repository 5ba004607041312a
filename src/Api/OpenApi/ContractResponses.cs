using System.Reflection;
using CrudCqrs.Application.Errors;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrudCqrs.Api.OpenApi;

/// <summary>
/// Makes every operation's answers what the service really sends: each error status as
/// <c>application/problem+json</c> with the problem schemas of its kinds, 500 and 503 on every
/// operation, and the headers each answer carries (<see cref="ResponseHeaderAttribute"/> on the
/// action, plus the trace headers on all of them and <c>Retry-After</c> where the contract says).
/// </summary>
public sealed class ContractResponses : IOperationFilter
{
    public const string ProblemMediaType = "application/problem+json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        operation.Responses ??= new OpenApiResponses();
        foreach (var status in new[] { ErrorKinds.Internal.Status, ErrorKinds.DatabaseUnavailable.Status })
        {
            if (!operation.Responses.ContainsKey(Code(status)))
            {
                operation.Responses[Code(status)] = new OpenApiResponse();
            }
        }

        var declared = context.MethodInfo.GetCustomAttributes<ResponseHeaderAttribute>().ToList();
        foreach (var (code, response) in operation.Responses.OrderBy(r => r.Key).ToList())
        {
            var status = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
            var answer = response as OpenApiResponse ?? new OpenApiResponse();
            Describe(answer, status);
            foreach (var header in declared.Where(h => h.Status == status))
            {
                answer.Headers![header.Name] = Header(header.Description, header.Always, header.Type);
            }
            operation.Responses[code] = answer;
        }
    }

    /// <summary>What every answer with this status carries: the problem body of its kinds, Retry-After, the trace headers.</summary>
    public static OpenApiResponse Describe(OpenApiResponse answer, int status)
    {
        answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
        if (status >= 400)
        {
            DescribeProblem(answer, status);
        }
        if (status == 401)
        {
            answer.Headers["WWW-Authenticate"] = Header("Bearer, with the reason a token was refused (only with Auth__Mode=Jwt).", false, "string");
        }
        if (status is 429 or 503)
        {
            answer.Headers["Retry-After"] = Header("Seconds to wait before trying again.", true, "integer");
        }
        answer.Headers["X-Trace-Id"] = Header("The request's trace id (32 lowercase hex digits); problems repeat it as traceId.", true, "string", "^[0-9a-f]{32}$");
        answer.Headers["traceresponse"] = Header("W3C trace response: 00-{trace-id}-{span-id}-{flags}.", true, "string");
        return answer;
    }

    private static void DescribeProblem(OpenApiResponse answer, int status)
    {
        var kinds = ProblemSchemas.Documented.Where(kind => kind.Status == status).ToList();
        if (kinds.Count == 0)
        {
            return;
        }
        if (string.IsNullOrEmpty(answer.Description) || answer.Description == ReasonPhrases.GetReasonPhrase(status))
        {
            answer.Description = string.Join(" or ", kinds.Select(kind => $"{kind.Title} ({kind.Name})"));
        }
        IOpenApiSchema schema = kinds.Count == 1
            ? new OpenApiSchemaReference(ProblemSchemas.SchemaName(kinds[0]))
            : new OpenApiSchema
            {
                // The kinds of one status differ by their error member.
                OneOf = kinds.Select(kind => (IOpenApiSchema)new OpenApiSchemaReference(ProblemSchemas.SchemaName(kind))).ToList(),
                Discriminator = new OpenApiDiscriminator
                {
                    PropertyName = "error",
                    Mapping = kinds.ToDictionary(kind => kind.Name, kind => new OpenApiSchemaReference(ProblemSchemas.SchemaName(kind))),
                },
            };
        answer.Content = new Dictionary<string, OpenApiMediaType> { [ProblemMediaType] = new() { Schema = schema } };
    }

    private static OpenApiHeader Header(string description, bool always, string type, string? pattern = null) => new()
    {
        Description = description,
        Required = always,
        Schema = new OpenApiSchema
        {
            Type = type == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String,
            Pattern = pattern,
        },
    };

    private static string Code(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

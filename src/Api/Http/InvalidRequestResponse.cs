using CrudCqrs.Application.Errors;
using Microsoft.AspNetCore.Mvc;

namespace CrudCqrs.Api.Http;

/// <summary>
/// Turns model-binding failures into the contract's problems: body problems by their kind
/// (400, 413, 422), query and route values that do not parse as 422 <c>ValidationError</c>.
/// </summary>
public static class InvalidRequestResponse
{
    public static IActionResult Create(ActionContext context)
    {
        var http = context.HttpContext;
        var bodyProblem = http.Items.TryGetValue(JsonBodyInputFormatter.ProblemItemKey, out var value) ? value as BodyProblem? : null;
        ProblemDetails problem;
        switch (bodyProblem)
        {
            case BodyProblem.TooLarge:
                problem = ProblemFactory.Create(http, ErrorKinds.PayloadTooLarge, $"The request body exceeds {JsonBodyInputFormatter.MaxBodyBytes} bytes.");
                break;
            case BodyProblem.Malformed:
                problem = ProblemFactory.Create(http, ErrorKinds.MalformedRequest, FirstMessage(context) ?? "The request body is not valid JSON.");
                break;
            default:
                problem = ProblemFactory.Create(http, ErrorKinds.Validation, "One or more fields are invalid.");
                problem.Extensions["errors"] = context.ModelState
                    .Where(entry => entry.Value is { Errors.Count: > 0 })
                    .ToDictionary(
                        entry => FieldName(entry.Key),
                        entry => entry.Value!.Errors.Select(e => Describe(entry.Key, e)).ToArray());
                break;
        }
        return new ProblemResult(problem);
    }

    /// <summary>Characters of a client's value a message quotes back; the rest is cut and marked '…'.</summary>
    public const int MaxQuotedLength = 64;

    /// <summary><paramref name="value"/> as a message may quote it: at most <see cref="MaxQuotedLength"/> characters, no surrogate pair split.</summary>
    public static string Quote(string? value)
    {
        if (value is null || value.Length <= MaxQuotedLength)
        {
            return value ?? "";
        }
        var cut = char.IsHighSurrogate(value[MaxQuotedLength - 1]) ? MaxQuotedLength - 1 : MaxQuotedLength;
        return string.Concat(value.AsSpan(0, cut), "…");
    }

    private static string? FirstMessage(ActionContext context) =>
        context.ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage).FirstOrDefault(m => !string.IsNullOrEmpty(m));

    private static string FieldName(string key) => key.Length == 0 ? "$" : char.ToLowerInvariant(key[0]) + key[1..];

    private static string Describe(string key, Microsoft.AspNetCore.Mvc.ModelBinding.ModelError error) =>
        string.IsNullOrEmpty(error.ErrorMessage) ? $"'{FieldName(key)}' is invalid." : error.ErrorMessage;
}

using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Api.Http;

/// <summary>
/// Reads JSON bodies with a hard size limit and sorts failures: broken JSON is a 400
/// <c>MalformedRequest</c>, a well-formed value of the wrong type a 422 naming the field, more
/// than 1 MiB a 413. Bodies are parsed as JSON whatever their Content-Type, so a curl user who
/// forgets the header still gets the answer meant for their data.
/// </summary>
public sealed class JsonBodyInputFormatter : InputFormatter
{
    public const int MaxBodyBytes = 1024 * 1024;
    public const string ProblemItemKey = "CrudCqrs.BodyProblem";

    public JsonBodyInputFormatter()
    {
        SupportedMediaTypes.Add("application/json");
    }

    public override bool CanRead(InputFormatterContext context) => true;

    // The base class answers an empty body with "no value" before reading, which MVC reports as a
    // 422 on the field "$"; a missing body is a malformed request like any other unreadable one.
    public override Task<InputFormatterResult> ReadAsync(InputFormatterContext context) => ReadRequestBodyAsync(context);

    public override async Task<InputFormatterResult> ReadRequestBodyAsync(InputFormatterContext context)
    {
        var http = context.HttpContext;
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return Fail(context, BodyProblem.TooLarge, "$", $"The request body exceeds {MaxBodyBytes} bytes.");
        }

        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            if (!await ReadBoundedAsync(http.Request.Body, buffer, http.RequestAborted))
            {
                return Fail(context, BodyProblem.TooLarge, "$", $"The request body exceeds {MaxBodyBytes} bytes.");
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail(context, BodyProblem.TooLarge, "$", $"The request body exceeds {MaxBodyBytes} bytes.");
        }

        if (buffer.WrittenCount == 0)
        {
            return Fail(context, BodyProblem.Malformed, "$", "The request body is empty; send a JSON object.");
        }

        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Mvc.JsonOptions>>().Value.JsonSerializerOptions;
        try
        {
            var model = JsonSerializer.Deserialize(buffer.WrittenSpan, context.ModelType, options);
            return model is null
                ? Fail(context, BodyProblem.Malformed, "$", "The request body must be a JSON object.")
                : await InputFormatterResult.SuccessAsync(model);
        }
        catch (JsonException exception) when (exception.InnerException is JsonException || IsSyntaxError(exception) || IsInvalidText(exception))
        {
            var where = exception.LineNumber is { } line ? $" at line {line + 1}, byte {exception.BytePositionInLine + 1}" : "";
            return Fail(context, BodyProblem.Malformed, "$", $"The request body is not valid JSON{where}.");
        }
        catch (JsonException exception)
        {
            var field = FieldName(exception.Path);
            if (field is null)
            {
                // Refusing repeated members means reading every member's name, also one this
                // service does not know, so a name escaping an unpaired surrogate is refused too.
                return Fail(context, BodyProblem.Malformed, "$", exception.InnerException is InvalidOperationException
                    ? "The request body has a member name that is not valid Unicode (an unpaired surrogate)."
                    : "The request body must be a JSON object.");
            }
            return IsRepeated(buffer.WrittenSpan, field)
                ? Fail(context, BodyProblem.RepeatedMember, field, $"'{field}' is given more than once.")
                : Fail(context, BodyProblem.WrongType, field, $"'{field}' has the wrong JSON type.");
        }
    }

    private static bool IsSyntaxError(JsonException exception) =>
        exception.GetType() != typeof(JsonException) || exception.Message.Contains("invalid", StringComparison.OrdinalIgnoreCase) && exception.Message.Contains("start of a", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when the body's top-level object names <paramref name="field"/> more than once (names
    /// compared without case, as binding compares them). The serializer refuses such a body with
    /// the member's path only; this tells that refusal from a wrong type. Runs on refusals only.
    /// </summary>
    private static bool IsRepeated(ReadOnlySpan<byte> body, string field)
    {
        var reader = new Utf8JsonReader(body);
        var seen = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && NameIs(ref reader, field) && ++seen > 1)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Broken further on: whatever the serializer reported stands.
        }
        return false;
    }

    private static bool NameIs(ref Utf8JsonReader reader, string field)
    {
        try
        {
            return string.Equals(reader.GetString(), field, StringComparison.OrdinalIgnoreCase);
        }
        catch (InvalidOperationException)
        {
            // A name escaping an unpaired surrogate is no member of ours.
            return false;
        }
    }

    /// <summary>Bytes that are not UTF-8 surface as a string that cannot be transcoded: broken JSON, not a wrong type.</summary>
    private static bool IsInvalidText(JsonException exception) =>
        exception.InnerException is InvalidOperationException { InnerException: System.Text.DecoderFallbackException };

    private static async Task<bool> ReadBoundedAsync(Stream body, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return true;
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBodyBytes)
            {
                return false;
            }
        }
    }

    /// <summary><c>$.dependencies[2]</c> → <c>dependencies[2]</c>; the root itself has no field name.</summary>
    private static string? FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static InputFormatterResult Fail(InputFormatterContext context, BodyProblem problem, string key, string message)
    {
        // The most severe problem wins when several are reported.
        if (!context.HttpContext.Items.TryGetValue(ProblemItemKey, out var existing) || existing is BodyProblem previous && previous > problem)
        {
            context.HttpContext.Items[ProblemItemKey] = problem;
        }
        context.ModelState.TryAddModelError(key, message);
        return InputFormatterResult.Failure();
    }
}

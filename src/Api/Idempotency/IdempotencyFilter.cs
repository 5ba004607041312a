using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrudCqrs.Api.Http;
using CrudCqrs.Api.Security;
using CrudCqrs.Application.Errors;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.DeleteResource;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Api.Idempotency;

/// <summary>
/// The HTTP side of <c>Idempotency-Key</c> on writes (API.md, ADR 010): checks the header,
/// fingerprints the request, answers 409 while a request with the same key still runs here, and
/// hands the key to the pipeline (<see cref="IdempotencyContext"/>). The lookup, the replay and the
/// mismatch refusal happen in the operation (<see cref="Application.Behaviors.IdempotencyBehavior{TMessage, TResponse}"/>);
/// the store records a new key's answer in the write's own commit. When the pipeline replayed a
/// stored answer, this filter sends it exactly as stored, in place of the action's result.
/// </summary>
public sealed class IdempotencyFilter(
    IdempotencyContext idempotency,
    IdempotencyInFlight inFlight,
    IOptions<IdempotencyOptions> options,
    IOptions<JsonOptions> json,
    TimeProvider clock) : IAsyncResourceFilter, IAsyncResultFilter
{
    public const string HeaderName = IdempotentRequest.HeaderName;
    public const int MaxKeyLength = 255;

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values))
        {
            await next();
            return;
        }
        if (values.Count != 1 || !IsValidKey(values[0]))
        {
            context.Result = Invalid(http, $"{HeaderName} must be one value of 1 to {MaxKeyLength} visible ASCII characters.");
            return;
        }

        var key = values[0]!;
        var scope = CallerScope(http.User);
        var hash = await RequestHashAsync(http.Request, http.RequestAborted);
        if (!inFlight.TryBegin(scope, key))
        {
            context.Result = new ProblemResult(ProblemFactory.Create(http, ErrorKinds.Conflict,
                $"A request with this {HeaderName} is still running; retry once it has answered."));
            return;
        }
        try
        {
            var now = clock.GetUtcNow();
            var method = http.Request.Method;
            idempotency.Current = new IdempotentRequest(
                scope, key, hash, now, now.AddHours(options.Value.RetentionHours), result => Answer(method, result))
            {
                Result = answer => Result(method, answer),
            };
            await next();
        }
        finally
        {
            inFlight.End(scope, key);
        }
    }

    /// <summary>A replay goes out as stored: the action's own rendering of the rebuilt result is set aside.</summary>
    public Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (idempotency.Replayed is { } answer)
        {
            context.Result = new IdempotentAnswerResult(answer);
        }
        return next();
    }

    /// <summary>1 to 255 characters, each visible ASCII (0x21–0x7E).</summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: >= 1 and <= MaxKeyLength } && key.All(c => c is >= '!' and <= '~');

    /// <summary>
    /// The caller's identity (<see cref="CallerIdentity"/>) when authenticated, else one global
    /// scope (open mode). An authenticated caller always has one: tokens that name no caller are
    /// refused before they get here.
    /// </summary>
    public static string CallerScope(ClaimsPrincipal user) => CallerIdentity.Of(user) ?? "";

    /// <summary>SHA-256 over method, path with query, and body bytes: what "the same request" means.</summary>
    public static async Task<string> RequestHashAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The answer ResourcesController gives for each write result, as it will be replayed.</summary>
    private IdempotentAnswer Answer(string method, object? result) => result switch
    {
        ResourceDto created when HttpMethods.IsPost(method) =>
            new(StatusCodes.Status201Created, Serialize(created), $"/api/resources/{created.Id}", created.ETag),
        ResourceDto updated => new(StatusCodes.Status200OK, Serialize(updated), null, updated.ETag),
        DeleteResult => new(StatusCodes.Status204NoContent, null, null, null),
        _ => throw new InvalidOperationException($"No idempotent answer is defined for {result?.GetType().Name ?? "null"}."),
    };

    /// <summary>
    /// The use case's result as a stored answer describes it, so the action runs as usual on a
    /// replay (its rendering is then replaced by the stored bytes). A replayed delete deleted nothing.
    /// </summary>
    private object Result(string method, IdempotentAnswer answer)
    {
        if (HttpMethods.IsDelete(method))
        {
            return new DeleteResult(0);
        }
        var resource = answer.Body is { } body ? JsonSerializer.Deserialize<ResourceDto>(body, json.Value.JsonSerializerOptions) : null;
        return resource is null
            ? throw new InvalidOperationException($"A stored {method} answer with status {answer.Status} has no resource in its body.")
            : resource with { ETag = answer.ETag ?? "" };
    }

    /// <summary>
    /// The body as MVC's JSON output formatter writes it for the first answer, so that a replay is
    /// the same bytes: that formatter, without a configured encoder, leaves non-ASCII text unescaped.
    /// </summary>
    private string Serialize(ResourceDto resource)
    {
        var options = json.Value.JsonSerializerOptions;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, OutputFormatterJson.WriterOptions(options)))
        {
            JsonSerializer.Serialize(writer, resource, options);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ProblemResult Invalid(HttpContext http, string message)
    {
        var problem = ProblemFactory.Create(http, ErrorKinds.Validation, "One or more fields are invalid.");
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [HeaderName] = [message] };
        return new ProblemResult(problem);
    }
}

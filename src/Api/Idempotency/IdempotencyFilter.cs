using System.Security.Claims;
using System.Security.Cryptography;
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
/// <c>Idempotency-Key</c> on writes (API.md, ADR 010). A repeat of a stored key with the same
/// method, target and body gets the stored answer and writes nothing; with a different request
/// it is 422; while the first request still runs it is 409. A new key is handed to the store
/// (<see cref="IdempotencyContext"/>), which records the answer in the write's own commit.
/// Refused requests (4xx) and failures are not recorded: nothing was written, so a retry runs again.
/// </summary>
public sealed class IdempotencyFilter(
    IIdempotencyStore store,
    IdempotencyContext idempotency,
    IdempotencyInFlight inFlight,
    IOptions<IdempotencyOptions> options,
    IOptions<JsonOptions> json,
    TimeProvider clock) : IAsyncResourceFilter
{
    public const string HeaderName = "Idempotency-Key";
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
            if (await store.FindAsync(scope, key, now, http.RequestAborted) is { } stored)
            {
                context.Result = Replay(http, stored, hash);
                return;
            }
            var method = http.Request.Method;
            idempotency.Current = new IdempotentRequest(
                scope, key, hash, now, now.AddHours(options.Value.RetentionHours), result => Answer(method, result));

            var executed = await next();
            if (executed is { Exception: IdempotencyKeyTakenException, ExceptionHandled: false })
            {
                // Another instance committed this key first; this write was rolled back. Answer as a repeat.
                executed.ExceptionHandled = true;
                var result = await store.FindAsync(scope, key, clock.GetUtcNow(), http.RequestAborted) is { } winner
                    ? Replay(http, winner, hash)
                    : new ProblemResult(ProblemFactory.Create(http, ErrorKinds.Conflict,
                        $"Another request with this {HeaderName} is still running; retry once it has answered."));
                await result.ExecuteResultAsync(context);
            }
        }
        finally
        {
            inFlight.End(scope, key);
        }
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
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private IActionResult Replay(HttpContext http, IdempotencyRecord stored, string hash) =>
        stored.RequestHash == hash
            ? new IdempotentAnswerResult(stored.Answer)
            : Invalid(http, $"This {HeaderName} was already used for a different request; use a new key.");

    /// <summary>The answer ResourcesController gives for each write result, as it will be replayed.</summary>
    private IdempotentAnswer Answer(string method, object? result) => result switch
    {
        ResourceDto created when HttpMethods.IsPost(method) =>
            new(StatusCodes.Status201Created, Serialize(created), $"/api/resources/{created.Id}", created.ETag),
        ResourceDto updated => new(StatusCodes.Status200OK, Serialize(updated), null, updated.ETag),
        DeleteResult => new(StatusCodes.Status204NoContent, null, null, null),
        _ => throw new InvalidOperationException($"No idempotent answer is defined for {result?.GetType().Name ?? "null"}."),
    };

    private string Serialize(ResourceDto resource) => JsonSerializer.Serialize(resource, json.Value.JsonSerializerOptions);

    private static ProblemResult Invalid(HttpContext http, string message)
    {
        var problem = ProblemFactory.Create(http, ErrorKinds.Validation, "One or more fields are invalid.");
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [HeaderName] = [message] };
        return new ProblemResult(problem);
    }

    /// <summary>Writes the problem itself, so the controller's <c>[Produces]</c> cannot change its media type.</summary>
    private sealed class ProblemResult(ProblemDetails problem) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => ProblemFactory.WriteAsync(context.HttpContext, problem);
    }
}

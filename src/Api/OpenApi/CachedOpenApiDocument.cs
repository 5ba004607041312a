namespace CrudCqrs.Api.OpenApi;

/// <summary>
/// Serves the OpenAPI document from memory: Swashbuckle writes it on the first request (about
/// 16 ms of CPU), and every later request gets the same bytes. The document depends on nothing
/// in the request (its server URL is relative), so one copy serves every caller.
/// </summary>
public sealed class CachedOpenApiDocument(RequestDelegate next)
{
    public const string DocumentPath = "/swagger/" + OpenApiDocumentSetup.DocumentName + "/swagger.json";

    private readonly SemaphoreSlim _firstBuild = new(1, 1);
    private Document? _document;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != DocumentPath)
        {
            await next(context);
            return;
        }
        if ((_document ?? await BuildAsync(context)) is not { } document)
        {
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = document.ContentType;
        context.Response.ContentLength = document.Body.Length;
        await context.Response.Body.WriteAsync(document.Body, context.RequestAborted);
    }

    /// <summary>Lets Swashbuckle answer into a buffer once; null when it did not answer 200 (then its answer is passed on).</summary>
    private async Task<Document?> BuildAsync(HttpContext context)
    {
        await _firstBuild.WaitAsync(context.RequestAborted);
        try
        {
            if (_document is { } built)
            {
                return built;
            }
            var body = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = body;
            }
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(body, context.RequestAborted);
                return null;
            }
            _document = new Document(buffer.ToArray(), context.Response.ContentType ?? "application/json; charset=utf-8");
            return _document;
        }
        finally
        {
            _firstBuild.Release();
        }
    }

    private sealed record Document(byte[] Body, string ContentType);
}

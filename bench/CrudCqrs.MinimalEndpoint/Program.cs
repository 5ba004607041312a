using System.Text.Json;

// Two small roles for bench/load/load.sh:
//   default      the ceiling: bare Kestrel serving one resource's JSON from memory (read and create);
//   --receiver   an OTLP/HTTP sink that accepts every POST /v1/* export with 200 and an empty body
//                (an empty protobuf message is a valid Export*ServiceResponse).
var receiver = args.Contains("--receiver");
var bodyFile = args.SkipWhile(a => a != "--resource-json").Skip(1).FirstOrDefault();

var builder = WebApplication.CreateSlimBuilder(args.Where(a => a is not "--receiver").ToArray());
builder.Logging.ClearProviders();
var app = builder.Build();

if (receiver)
{
    long exports = 0;
    app.MapPost("/v1/{signal}", async (HttpContext context) =>
    {
        // Read the whole export, as a collector would, before answering.
        await context.Request.Body.CopyToAsync(Stream.Null);
        Interlocked.Increment(ref exports);
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    });
    app.MapGet("/exports", () => Results.Text(Interlocked.Read(ref exports).ToString()));
}
else
{
    // The same resource the real service returned, kept as an object and serialized per request.
    var json = bodyFile is null
        ? """{"id":"0193b0a0-0000-7000-8000-000000000001","name":"minimal","description":"served from memory","dependencies":[],"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}"""
        : File.ReadAllText(bodyFile);
    var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
    var resource = JsonSerializer.Deserialize<ResourceJson>(json, web)!;

    app.MapGet("/api/resources/{id}", (string id, HttpContext context) =>
    {
        context.Response.Headers.ETag = "\"1\"";
        return Results.Json(resource with { Id = id }, web);
    });
    app.MapPost("/api/resources", async (HttpContext context) =>
    {
        var body = await JsonSerializer.DeserializeAsync<ResourceJson>(context.Request.Body, web);
        context.Response.Headers.ETag = "\"1\"";
        return Results.Json(resource with { Name = body?.Name ?? resource.Name, Dependencies = body?.Dependencies ?? [] }, web,
            statusCode: StatusCodes.Status201Created);
    });
}

app.Run();

internal sealed record ResourceJson(string Id, string Name, string? Description, string[] Dependencies, DateTime CreatedAt, DateTime UpdatedAt);

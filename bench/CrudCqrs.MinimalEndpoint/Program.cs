// The ceiling for the load benchmark: bare Kestrel serving the same JSON as a read by id, from
// memory, with nothing between the socket and the answer. It also accepts OTLP/HTTP posts
// (answering 200 and discarding them), so the telemetry-on run has a live, cheap receiver.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var resource = new
{
    id = "01a214cd-0bb2-7fa3-9e80-692a3afff8bd",
    name = "Backend",
    description = "Go service",
    dependencies = new[] { "01a214cd-0ded-7ae4-a0b7-89b0593efa76" },
    createdAt = "2026-11-25T22:21:51.922Z",
    updatedAt = "2026-11-25T22:21:51.922Z",
};
app.MapGet("/api/resources/{id}", (string id, HttpResponse response) =>
{
    response.Headers.ETag = "\"1\"";
    return Results.Json(resource);
});
app.MapPost("/v1/{signal}", async (HttpRequest request) =>
{
    await request.Body.CopyToAsync(Stream.Null);
    return Results.Ok();
});
app.Run();

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Observability.IntegrationTests.Export;

/// <summary>
/// An OTLP/HTTP collector that answers every POST with 200 and an empty (valid) protobuf
/// response, keeping each body by path. On a free port, or on <c>port</c> to come up where a
/// service already exports.
/// </summary>
public sealed class OtlpBodyCapture : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _bodies = new();

    private OtlpBodyCapture(WebApplication app) => _app = app;

    public string BaseAddress { get; private set; } = "";

    public int Count => _bodies.Count;

    public static async Task<OtlpBodyCapture> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var capture = new OtlpBodyCapture(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            capture._bodies.Enqueue((context.Request.Path.Value ?? "", buffer.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        capture.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return capture;
    }

    public IEnumerable<byte[]> Bodies(string path) => _bodies.Where(b => b.Path == path).Select(b => b.Body);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

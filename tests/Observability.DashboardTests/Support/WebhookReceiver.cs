using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>One webhook notification from Alertmanager: which receiver, which group, which alerts.</summary>
public sealed record Notification(string Receiver, string Status, string GroupKey, IReadOnlyDictionary<string, string> GroupLabels, IReadOnlyList<string> AlertNames)
{
    public override string ToString() =>
        $"{Receiver}: {Status} {string.Join(",", GroupLabels.Select(l => $"{l.Key}={l.Value}"))} [{string.Join(",", AlertNames)}]";
}

/// <summary>
/// Stands in for the pager and the ticket system: an HTTP listener on 127.0.0.1 that keeps every
/// notification posted to /page or /ticket.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        Port = TestSupport.FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<Notification> Received { get; } = new();

    public IReadOnlyList<Notification> For(string receiver) => Received.Where(n => n.Receiver == receiver).ToList();

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            using (var reader = new StreamReader(context.Request.InputStream))
            {
                using var body = JsonDocument.Parse(await reader.ReadToEndAsync());
                var root = body.RootElement;
                Received.Enqueue(new Notification(
                    context.Request.Url!.AbsolutePath.Trim('/'),
                    root.GetProperty("status").GetString()!,
                    root.GetProperty("groupKey").GetString()!,
                    root.GetProperty("groupLabels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                    root.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("labels").GetProperty("alertname").GetString()!).ToList()));
            }
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}

using System.Net;
using System.Net.Sockets;

namespace CrudCqrs.TestSupport;

/// <summary>
/// A loopback port that accepts every connection and never answers a byte: the slowest collector
/// or server there is. A client's request to it ends only by the client's own timeout.
/// </summary>
public sealed class SilentListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;

    public SilentListener()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptAndHoldAsync);
    }

    public int Port { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            _disposed = true;
            _held.ForEach(client => client.Dispose());
            _held.Clear();
        }
    }

    private async Task AcceptAndHoldAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_held)
                {
                    // One accepted while Dispose ran is closed, not kept.
                    if (_disposed)
                    {
                        client.Dispose();
                        return;
                    }
                    _held.Add(client);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }
}

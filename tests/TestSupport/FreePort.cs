using System.Net;
using System.Net.Sockets;

namespace CrudCqrs.TestSupport;

/// <summary>Loopback ports nobody listens on, chosen by the OS, so parallel suites never collide.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

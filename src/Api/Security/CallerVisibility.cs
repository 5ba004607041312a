using System.Net;

namespace CrudCqrs.Api.Security;

/// <summary>Who may read the service's own details (health check texts): itself and authenticated callers.</summary>
public static class CallerVisibility
{
    public static bool MaySeeDetails(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true || IsLocal(context.Connection.RemoteIpAddress);

    /// <summary>
    /// Loopback, or no remote address at all: then the request did not come over a network
    /// (an in-process host, a Unix socket).
    /// </summary>
    public static bool IsLocal(IPAddress? remote) =>
        remote is null || IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
}

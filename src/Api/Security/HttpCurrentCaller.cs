using CrudCqrs.Application.Abstractions;

namespace CrudCqrs.Api.Security;

/// <summary>The subject of the request's authenticated token, for the operation span and log lines.</summary>
public sealed class HttpCurrentCaller(IHttpContextAccessor accessor) : ICurrentCaller
{
    public string? Subject =>
        accessor.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user.FindFirst("sub")?.Value : null;
}

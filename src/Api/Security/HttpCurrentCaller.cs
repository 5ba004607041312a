using CrudCqrs.Application.Abstractions;

namespace CrudCqrs.Api.Security;

/// <summary>The authenticated caller (<see cref="CallerIdentity.ForTelemetry"/>), for the operation span and log lines.</summary>
public sealed class HttpCurrentCaller(IHttpContextAccessor accessor) : ICurrentCaller
{
    public string? Subject => accessor.HttpContext?.User is { } user ? CallerIdentity.ForTelemetry(user) : null;
}

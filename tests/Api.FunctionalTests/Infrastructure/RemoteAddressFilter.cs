using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// The in-memory test server has no network peer; this gives a request the remote address named
/// in <see cref="Header"/>, first thing in the pipeline, so tests can call as a stranger.
/// </summary>
public sealed class RemoteAddressFilter : IStartupFilter
{
    public const string Header = "X-Test-Remote-Address";

    /// <summary>The registration, as an in-memory host's service configuration.</summary>
    public static void Register(IServiceCollection services) => services.AddSingleton<IStartupFilter, RemoteAddressFilter>();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value, out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}

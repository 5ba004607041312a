using CrudCqrs.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>The clients these suites call an in-memory host with.</summary>
public static class GuardedClients
{
    /// <summary>A client that follows redirects and fails the test on any 500 or leaking problem.</summary>
    public static HttpClient CreateGuardedClient(this InMemoryService service) =>
        service.CreateDefaultClient(new RedirectHandler(), new ServerErrorGuard());

    /// <summary>A guarded client that sends <paramref name="token"/> on every request.</summary>
    public static HttpClient ClientWith(this InMemoryService service, string? token)
    {
        var client = service.CreateGuardedClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}

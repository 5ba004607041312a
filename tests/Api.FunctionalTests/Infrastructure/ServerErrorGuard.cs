using System.Net;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// Sits in every test client: whatever a test asserts, a 500 (or any 5xx but the contract's 503)
/// or a problem body that leaks internals fails it on the spot.
/// </summary>
public sealed class ServerErrorGuard : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.Fail($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
        }
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            ApiCalls.AssertNoLeak(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        return response;
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>The app with <c>Auth__Mode=Jwt</c> and the test signing key; requests may pose as remote callers.</summary>
public class JwtApiFactory : ApiFactory
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Auth:Mode", "Jwt");
        builder.UseSetting("Auth:SigningKey", TestTokens.SigningKey);
        builder.UseSetting("Auth:Issuer", TestTokens.Issuer);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFilter>());
    }

    /// <summary>A guarded client that sends <paramref name="token"/> on every request.</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateGuardedClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;

namespace CrudCqrs.Api.Security;

/// <summary>
/// Runs after the bearer scheme's own setup (which made the backchannel and the metadata address)
/// and puts <see cref="MetadataWithBackoff"/> in place of the configuration manager it made.
/// </summary>
internal sealed class MetadataBackoffSetup(TimeProvider clock) : IPostConfigureOptions<JwtBearerOptions>
{
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme || options.MetadataAddress is not { } address || options.Backchannel is null)
        {
            return;
        }
        options.ConfigurationManager = new MetadataWithBackoff(address, new HttpDocumentRetriever(options.Backchannel) { RequireHttps = options.RequireHttpsMetadata }, clock)
        {
            RefreshInterval = options.RefreshInterval,
            AutomaticRefreshInterval = options.AutomaticRefreshInterval,
        };
    }
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Api.Security;

/// <summary>
/// With <c>Auth__Authority</c>: whether the signing keys tokens are checked against (the
/// authority's OpenID Connect metadata and JWKS) are at hand, asked of the bearer scheme's own
/// configuration manager (<see cref="MetadataWithBackoff"/>), so a success here is a success for
/// requests too, and a probe never fetches while a failed fetch waits for its retry. While the
/// keys cannot be fetched every token is refused, and readiness says <c>Degraded</c> with the
/// reason: still 200, because every instance shares the authority, and a load balancer that pulled
/// them all for an issuer's blip would turn it into a full outage (instances that still hold keys
/// keep working).
/// </summary>
public sealed class TokenMetadataHealthCheck(IOptionsMonitor<JwtBearerOptions> bearerOptions, TimeProvider clock) : IHealthCheck
{
    public const string Name = "token-metadata";

    /// <summary>How long a probe waits for a fetch in progress before answering with what it knows.</summary>
    public static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(5);

    private const int MaxReasonLength = 300;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bearer = bearerOptions.Get(JwtBearerDefaults.AuthenticationScheme);
        var rawAddress = bearer.MetadataAddress ?? bearer.Authority ?? "(no authority)";
        var address = AuthSettings.Printable(rawAddress);
        if (bearer.ConfigurationManager is not { } manager)
        {
            return HealthCheckResult.Degraded("the bearer scheme has no configuration manager");
        }
        try
        {
            var configuration = await manager.GetConfigurationAsync(CancellationToken.None).WaitAsync(ProbeWait, cancellationToken);
            return configuration.SigningKeys.Count > 0
                ? HealthCheckResult.Healthy($"{configuration.SigningKeys.Count} token signing key(s) from {address}")
                : HealthCheckResult.Degraded($"the metadata at {address} lists no signing keys; every token is refused");
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Degraded($"the token signing keys from {address} have not arrived within {ProbeWait.TotalSeconds:0} s; tokens are refused until they do");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = Innermost(exception).Message.Replace(rawAddress, address, StringComparison.Ordinal);
            if (reason.Length > MaxReasonLength)
            {
                reason = reason[..MaxReasonLength] + "…";
            }
            var retry = (manager as MetadataWithBackoff)?.RetryAt is { } at
                ? $"; next try in {Math.Max(0, (at - clock.GetUtcNow()).TotalSeconds):0} s"
                : "";
            return HealthCheckResult.Degraded($"cannot fetch the token signing keys from {address} ({reason}); every token is refused until they arrive{retry}");
        }
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }
        return exception;
    }
}

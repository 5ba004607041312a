using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Api.Security;

/// <summary>
/// With <c>Auth__Authority</c>: whether the signing keys tokens are checked against (the
/// authority's OpenID Connect metadata and JWKS) are at hand, asked of the bearer scheme's own
/// configuration manager, so a success here is a success for requests too. While they cannot be
/// fetched every token is refused, and readiness says <c>Degraded</c> with the reason: still 200,
/// because every instance shares the authority, and a load balancer that pulled them all for an
/// issuer's blip would turn it into a full outage (and instances that still hold keys keep working).
/// Failed fetches are retried with backoff, not on every probe; once keys are held, a probe reads
/// them from memory.
/// </summary>
public sealed class TokenMetadataHealthCheck(IOptionsMonitor<JwtBearerOptions> bearerOptions, TimeProvider clock) : IHealthCheck
{
    public const string Name = "token-metadata";

    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(1);

    /// <summary>How long a probe waits for a fetch in progress before answering with what it knows.</summary>
    public static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(5);

    private const int MaxReasonLength = 300;

    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _attempt;
    private DateTimeOffset _retryAt;
    private int _failures;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> attempt;
        lock (_lock)
        {
            if (_attempt is not { IsCompleted: false } && (_failures == 0 || clock.GetUtcNow() >= _retryAt))
            {
                _attempt = Task.Run(FetchAsync, CancellationToken.None);
            }
            attempt = _attempt!;
        }
        try
        {
            return await attempt.WaitAsync(ProbeWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Degraded(
                $"the token signing keys from {MetadataAddress} have not arrived within {ProbeWait.TotalSeconds:0} s; tokens are refused until they do");
        }
    }

    private string MetadataAddress => Bearer.MetadataAddress ?? Bearer.Authority ?? "(no authority)";

    private JwtBearerOptions Bearer => bearerOptions.Get(JwtBearerDefaults.AuthenticationScheme);

    private async Task<HealthCheckResult> FetchAsync()
    {
        string reason;
        try
        {
            var manager = Bearer.ConfigurationManager ?? throw new InvalidOperationException("the bearer scheme has no configuration manager");
            var configuration = await manager.GetConfigurationAsync(CancellationToken.None);
            if (configuration.SigningKeys.Count > 0)
            {
                lock (_lock)
                {
                    _failures = 0;
                }
                return HealthCheckResult.Healthy($"{configuration.SigningKeys.Count} token signing key(s) from {MetadataAddress}");
            }
            reason = "the metadata lists no signing keys";
        }
        catch (Exception exception)
        {
            reason = Innermost(exception).Message;
        }
        TimeSpan retryIn;
        lock (_lock)
        {
            _failures++;
            retryIn = TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(_failures - 1, 10)));
            _retryAt = clock.GetUtcNow() + retryIn;
        }
        if (reason.Length > MaxReasonLength)
        {
            reason = reason[..MaxReasonLength] + "…";
        }
        return HealthCheckResult.Degraded(
            $"cannot fetch the token signing keys from {MetadataAddress} ({reason}); every token is refused until they arrive; next try in {retryIn.TotalSeconds:0} s");
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

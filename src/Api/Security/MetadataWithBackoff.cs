using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CrudCqrs.Api.Security;

/// <summary>
/// The authority's metadata (discovery and JWKS) as the bearer scheme reads it, with backoff: after
/// a failed fetch, callers are told at once that the keys are unavailable until the next try is
/// due (5 s, doubling to a minute), instead of every request with a token asking the authority
/// again (twice, with the token handler's refresh) while it is down. Keys once fetched are served
/// from memory as before; the readiness check reads the same instance.
/// </summary>
public sealed class MetadataWithBackoff(
    string metadataAddress, IDocumentRetriever documents, TimeProvider clock)
    : ConfigurationManager<OpenIdConnectConfiguration>(metadataAddress, new OpenIdConnectConfigurationRetriever(), documents)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private Exception? _lastFailure;
    private DateTimeOffset _retryAt;
    private int _failures;

    /// <summary>When the next fetch may be made, while the last one failed.</summary>
    public DateTimeOffset? RetryAt
    {
        get
        {
            lock (_lock)
            {
                return _lastFailure is null ? null : _retryAt;
            }
        }
    }

    public override async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        lock (_lock)
        {
            if (_lastFailure is { } failure && clock.GetUtcNow() < _retryAt)
            {
                throw new InvalidOperationException($"The signing keys could not be fetched from {MetadataAddress}; next try at {_retryAt:O}.", failure);
            }
        }
        try
        {
            var configuration = await base.GetConfigurationAsync(cancel);
            lock (_lock)
            {
                _failures = 0;
                _lastFailure = null;
            }
            return configuration;
        }
        catch (Exception exception) when (!cancel.IsCancellationRequested)
        {
            lock (_lock)
            {
                _failures++;
                _lastFailure = exception;
                _retryAt = clock.GetUtcNow() + TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(_failures - 1, 10)));
            }
            throw;
        }
    }
}

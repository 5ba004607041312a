using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace CrudCqrs.Api.Security;

/// <summary>
/// Per-client token buckets with ASP.NET Core's limiter: one for reads, one for writes, so a
/// client flooding writes still reads. A client is the token's caller (<see cref="CallerIdentity"/>),
/// else its address.
/// Endpoints opt in with <c>[EnableRateLimiting]</c>; health and metrics have no policy.
/// Refusals are counted by the framework's own meter (<c>aspnetcore.rate_limiting.requests</c>,
/// result <c>endpoint_limiter</c>, by policy).
/// </summary>
public static class ClientRateLimits
{
    public const string ReadPolicy = "reads";
    public const string WritePolicy = "writes";

    /// <summary>Bucket refills are spread over the second, so a client at its rate is never refused in bursts.</summary>
    private const int RefillsPerSecond = 10;

    public static IServiceCollection AddClientRateLimits(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(ReadPolicy, context => Partition(context, settings.ReadsPerSecond));
            options.AddPolicy(WritePolicy, context => Partition(context, settings.WritesPerSecond));
            // No body here: the status code pages write the problem details, as for every other error.
            options.OnRejected = (rejected, _) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    private static string ClientOf(HttpContext context) =>
        CallerIdentity.Of(context.User) ?? "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "local");

    private static RateLimitPartition<string> Partition(HttpContext context, int perSecond) =>
        RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => Bucket(perSecond));

    private static TokenBucketRateLimiterOptions Bucket(int perSecond)
    {
        var tokensPerRefill = Math.Max(1, perSecond / RefillsPerSecond);
        return new TokenBucketRateLimiterOptions
        {
            // Burst = two seconds of rate.
            TokenLimit = 2 * perSecond,
            TokensPerPeriod = tokensPerRefill,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)tokensPerRefill / perSecond),
            QueueLimit = 0,
            // The partitioned limiter refills its buckets from one timer instead of one timer per client.
            AutoReplenishment = false,
        };
    }
}

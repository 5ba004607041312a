using System.Globalization;

namespace CrudCqrs.Api.Security;

/// <summary>The <c>RateLimit__*</c> settings: token buckets per client, one for reads and one for writes.</summary>
public sealed record RateLimitSettings(bool Enabled, int ReadsPerSecond, int WritesPerSecond)
{
    public const int DefaultReadsPerSecond = 200;
    public const int DefaultWritesPerSecond = 50;

    public static RateLimitSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("RateLimit");
        return new RateLimitSettings(
            AuthSettings.ReadBool(section["Enabled"], "RateLimit__Enabled", true),
            ReadRate(section["ReadsPerSecond"], "RateLimit__ReadsPerSecond", DefaultReadsPerSecond),
            ReadRate(section["WritesPerSecond"], "RateLimit__WritesPerSecond", DefaultWritesPerSecond));
    }

    private static int ReadRate(string? text, string key, int fallback) =>
        string.IsNullOrWhiteSpace(text) ? fallback
        : int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate
        : throw new SecurityConfigurationException($"{key} '{AuthSettings.Shorten(text)}' is not a whole number of requests per second above 0.");
}

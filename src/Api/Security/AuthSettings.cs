using System.Text;

namespace CrudCqrs.Api.Security;

/// <summary>
/// The <c>Auth__*</c> settings, checked once at start. Anything that cannot work throws a
/// <see cref="SecurityConfigurationException"/> whose message names the key, so an operator
/// never runs an API they believe is protected while it is not.
/// </summary>
public sealed record AuthSettings
{
    public const string DefaultAudience = "crudcqrs-api";
    public const int MinimumSigningKeyBytes = 32;

    public AuthMode Mode { get; private init; }
    public Uri? Authority { get; private init; }
    public string Audience { get; private init; } = DefaultAudience;
    public string? Issuer { get; private init; }
    public byte[]? SigningKey { get; private init; }

    /// <summary><c>/metrics</c> asks for a valid token too (<c>Auth__ProtectMetrics</c>).</summary>
    public bool ProtectMetrics { get; private init; }

    /// <summary>True when <c>Auth__Mode=None</c> was given outside Development: worth a warning at start.</summary>
    public bool OpenOutsideDevelopment { get; private init; }

    public static AuthSettings Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Auth");
        var development = environment.IsDevelopment();
        var mode = ReadMode(section["Mode"], development);
        var protectMetrics = ReadBool(section["ProtectMetrics"], "Auth__ProtectMetrics", false);
        if (mode == AuthMode.None)
        {
            if (protectMetrics)
            {
                throw new SecurityConfigurationException(
                    "Auth__ProtectMetrics=true needs Auth__Mode=Jwt (with Auth__Mode=None there are no tokens to ask for); set Auth__Mode=Jwt or drop Auth__ProtectMetrics.");
            }
            return new AuthSettings { Mode = AuthMode.None, OpenOutsideDevelopment = !development, ProtectMetrics = false };
        }

        var audience = string.IsNullOrWhiteSpace(section["Audience"]) ? DefaultAudience : section["Audience"]!.Trim();
        var issuer = string.IsNullOrWhiteSpace(section["Issuer"]) ? null : section["Issuer"]!.Trim();
        var authorityText = section["Authority"];
        if (!string.IsNullOrWhiteSpace(authorityText))
        {
            if (!string.IsNullOrEmpty(section["SigningKey"]))
            {
                throw new SecurityConfigurationException(
                    "Auth__Authority and Auth__SigningKey are both set; tokens are checked against one of them: keep Auth__Authority (keys from its metadata) or Auth__SigningKey (a shared key), not both.");
            }
            return new AuthSettings
            {
                Mode = AuthMode.Jwt,
                Authority = ReadAuthority(authorityText.Trim(), development),
                Audience = audience,
                Issuer = issuer,
                ProtectMetrics = protectMetrics,
            };
        }

        var key = section["SigningKey"];
        if (string.IsNullOrEmpty(key))
        {
            throw new SecurityConfigurationException(
                "Auth__Mode=Jwt needs Auth__Authority (an OpenID Connect issuer URL) or Auth__SigningKey (a shared HMAC-SHA256 key); neither is set.");
        }
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (keyBytes.Length < MinimumSigningKeyBytes)
        {
            throw new SecurityConfigurationException(
                $"Auth__SigningKey is {keyBytes.Length} bytes; an HMAC-SHA256 key must be at least {MinimumSigningKeyBytes} bytes.");
        }
        return new AuthSettings { Mode = AuthMode.Jwt, SigningKey = keyBytes, Audience = audience, Issuer = issuer, ProtectMetrics = protectMetrics };
    }

    private static AuthMode ReadMode(string? text, bool development)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return development
                ? AuthMode.None
                : throw new SecurityConfigurationException(
                    "Auth__Mode is not set; outside Development say Auth__Mode=Jwt (with Auth__Authority or Auth__SigningKey) or Auth__Mode=None.");
        }
        return Enum.TryParse<AuthMode>(text.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new SecurityConfigurationException($"Auth__Mode '{Shorten(text)}' is not known; accepted values: None, Jwt.");
    }

    private static Uri ReadAuthority(string text, bool development)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            throw new SecurityConfigurationException($"Auth__Authority '{Printable(text)}' is not an absolute URL; expected e.g. https://login.example.com/realm.");
        }
        if (authority.Scheme != Uri.UriSchemeHttps && !development)
        {
            throw new SecurityConfigurationException($"Auth__Authority '{Printable(text)}' must use https outside Development (its signing keys are fetched from it).");
        }
        return authority;
    }

    internal static bool ReadBool(string? text, string key, bool fallback) =>
        string.IsNullOrWhiteSpace(text) ? fallback
        : bool.TryParse(text.Trim(), out var value) ? value
        : throw new SecurityConfigurationException($"{key} '{Shorten(text)}' is not a boolean; accepted values: true, false.");

    internal static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;

    /// <summary>An address as a log line or the health details may show it: without user, password, query or fragment.</summary>
    internal static string Printable(string address)
    {
        var withoutQuery = address.Split('?', '#')[0];
        var start = withoutQuery.IndexOf("//", StringComparison.Ordinal) is var scheme and >= 0 ? scheme + 2 : 0;
        var credentials = withoutQuery.IndexOf('@', start);
        var path = withoutQuery.IndexOf('/', start);
        if (credentials >= 0 && (path < 0 || credentials < path))
        {
            withoutQuery = withoutQuery[..start] + withoutQuery[(credentials + 1)..];
        }
        return Shorten(withoutQuery);
    }
}

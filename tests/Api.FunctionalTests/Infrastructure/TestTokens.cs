using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>Signed JWTs minted here with a test key, validated by the service's real JwtBearer middleware.</summary>
public static class TestTokens
{
    public const string SigningKey = "functional-tests-only: a 32+ byte HMAC-SHA256 key";
    public const string OtherKey = "functional-tests-only: a different key, also long";
    public const string Issuer = "https://issuer.crudcqrs.test";
    public const string Audience = "crudcqrs-api";
    public const string ReadWrite = "resources:read resources:write";

    /// <summary>The host settings that make the service accept these tokens: <c>Auth__Mode=Jwt</c> with the test key and issuer.</summary>
    public static IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
    {
        ["Auth:Mode"] = "Jwt",
        ["Auth:SigningKey"] = SigningKey,
        ["Auth:Issuer"] = Issuer,
    };

    /// <summary>A well-signed token whose header marks an extension critical (RFC 7515, 4.1.11).</summary>
    public static string MintWithCriticalHeader() =>
        Mint(headers: new Dictionary<string, object> { ["crit"] = new[] { "urn:example:policy" }, ["urn:example:policy"] = "strict" });

    /// <summary>A client-credentials token: no <c>sub</c>, the client in <c>client_id</c> (or <c>azp</c>).</summary>
    public static string MintForClient(string clientId, string claim = "client_id", string? scope = ReadWrite) =>
        Mint(scope, subject: null, claims: new Dictionary<string, object> { [claim] = clientId });

    public static string Mint(
        string? scope = ReadWrite,
        string? subject = "alice",
        string key = SigningKey,
        string issuer = Issuer,
        string audience = Audience,
        TimeSpan? expiresIn = null,
        string[]? scp = null,
        IReadOnlyDictionary<string, object>? claims = null,
        SigningCredentials? credentials = null,
        IDictionary<string, object>? headers = null)
    {
        var expires = DateTime.UtcNow + (expiresIn ?? TimeSpan.FromMinutes(10));
        var all = new Dictionary<string, object>();
        if (subject is not null)
        {
            all["sub"] = subject;
        }
        if (scope is not null)
        {
            all["scope"] = scope;
        }
        if (scp is not null)
        {
            all["scp"] = scp;
        }
        foreach (var (name, value) in claims ?? new Dictionary<string, object>())
        {
            all[name] = value;
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires - TimeSpan.FromMinutes(20),
            NotBefore = expires - TimeSpan.FromMinutes(20),
            Expires = expires,
            Claims = all,
            SigningCredentials = credentials ?? new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
            AdditionalHeaderClaims = headers,
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}

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

    public static string Mint(
        string? scope = ReadWrite,
        string subject = "alice",
        string key = SigningKey,
        string issuer = Issuer,
        string audience = Audience,
        TimeSpan? expiresIn = null,
        string[]? scp = null)
    {
        var expires = DateTime.UtcNow + (expiresIn ?? TimeSpan.FromMinutes(10));
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }
        if (scp is not null)
        {
            claims["scp"] = scp;
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires - TimeSpan.FromMinutes(20),
            NotBefore = expires - TimeSpan.FromMinutes(20),
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}

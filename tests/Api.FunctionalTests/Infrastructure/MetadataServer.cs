using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrudCqrs.TestSupport;
using Microsoft.IdentityModel.Tokens;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// A real local OpenID Connect issuer's metadata over HTTP (<c>HttpListener</c> on a loopback
/// port): the discovery document and a JWKS with one RSA key, or 503 for both while
/// <see cref="Failing"/>. Counts discovery requests, so tests can see how often the service asks.
/// </summary>
public sealed class MetadataServer : IDisposable
{
    public const string KeyId = "metadata-server-key";

    private readonly HttpListener _listener = new();
    private readonly RSA _rsa = RSA.Create(2048);
    private int _discoveryRequests;

    public MetadataServer()
    {
        Authority = $"http://127.0.0.1:{FreePort.Next()}";
        _listener.Prefixes.Add(Authority + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>The issuer URL, also the <c>iss</c> of its tokens.</summary>
    public string Authority { get; }

    public bool Failing { get; set; }

    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);

    public SigningCredentials Credentials => new(new RsaSecurityKey(_rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var path = context.Request.Url?.AbsolutePath ?? "";
            if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _discoveryRequests);
            }
            var body = Failing ? null : path switch
            {
                "/.well-known/openid-configuration" => JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["issuer"] = Authority,
                    ["jwks_uri"] = Authority + "/jwks",
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                }),
                "/jwks" => Jwks(),
                _ => null,
            };
            context.Response.StatusCode = body is null ? (Failing ? 503 : 404) : 200;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body ?? "{}");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private string Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        });
    }

    public void Dispose()
    {
        _listener.Close();
        _rsa.Dispose();
    }
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace CrudCqrs.Api.Security;

/// <summary>
/// Who an authenticated token speaks for: its <c>sub</c> (a user or a service account), else the
/// client it was issued to (<c>client_id</c>, else <c>azp</c>), as client-credentials tokens often
/// carry no <c>sub</c>. The kinds are namespaced (<c>sub:…</c>, <c>client:…</c>), so a user id can
/// never equal a client id. Idempotency keys and rate-limit buckets are kept per identity; a token
/// that names no caller is refused at authentication (<see cref="SecurityServices"/>).
/// </summary>
public static class CallerIdentity
{
    /// <summary>Longer identities are kept as a hash, so a 20 KB claim does not become a 20 KB key.</summary>
    public const int MaxLength = 200;

    private const string SubjectPrefix = "sub:";
    private const string ClientPrefix = "client:";
    private static readonly string[] IdentityClaims = ["sub", "client_id", "azp"];

    /// <summary>The identity of an authenticated caller; null when the caller is anonymous or the token names no one.</summary>
    public static string? Of(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? OfClaims(user) : null;

    /// <summary>The identity the claims name, whether or not they have been accepted yet.</summary>
    public static string? OfClaims(ClaimsPrincipal user) =>
        Ambiguous(user) ? null
        : Value(user, "sub") is { } subject ? Bounded(SubjectPrefix, subject)
        : (Value(user, "client_id") ?? Value(user, "azp")) is { } client ? Bounded(ClientPrefix, client)
        : null;

    /// <summary>
    /// <c>enduser.id</c> on spans and log lines: the <c>sub</c> as the issuer sent it (hashed when
    /// long), else <c>client:…</c>.
    /// </summary>
    public static string? ForTelemetry(ClaimsPrincipal user) =>
        Of(user) is { } identity && identity.StartsWith(SubjectPrefix, StringComparison.Ordinal) ? identity[SubjectPrefix.Length..] : Of(user);

    private static string? Value(ClaimsPrincipal user, string type) =>
        user.FindFirst(type)?.Value is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>A claim given several values (a JSON array) names no single caller.</summary>
    private static bool Ambiguous(ClaimsPrincipal user) =>
        IdentityClaims.Any(type => user.FindAll(type).Skip(1).Any());

    /// <summary>
    /// A hashed identity gets its own prefix (<c>sub#sha256:</c>), which no literal one can carry:
    /// literal identities always continue their kind with ':'.
    /// </summary>
    private static string Bounded(string prefix, string value) =>
        prefix.Length + value.Length <= MaxLength
            ? prefix + value
            : prefix[..^1] + "#sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}

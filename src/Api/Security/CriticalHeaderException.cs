using Microsoft.IdentityModel.Tokens;

namespace CrudCqrs.Api.Security;

/// <summary>
/// A token whose header has <c>crit</c>: it names extensions the recipient must understand to
/// accept the token (RFC 7515, 4.1.11), and this service understands none, so it refuses every
/// such token whatever the list holds.
/// </summary>
public sealed class CriticalHeaderException()
    : SecurityTokenValidationException("The token's header marks extensions as critical (crit); this service supports none.");

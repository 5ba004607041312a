using Microsoft.IdentityModel.Tokens;

namespace CrudCqrs.Api.Security;

/// <summary>A token that is valid but names no caller (no <c>sub</c>, <c>client_id</c> or <c>azp</c>): refused, see <see cref="CallerIdentity"/>.</summary>
public sealed class NoCallerInTokenException()
    : SecurityTokenValidationException("The token names no caller: it has no sub, client_id or azp.");

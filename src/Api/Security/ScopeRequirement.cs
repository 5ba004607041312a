using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace CrudCqrs.Api.Security;

/// <summary>
/// The caller's token grants <see cref="Scope"/>. Issuers send scopes as one space-separated
/// <c>scope</c> claim (RFC 8693) or as <c>scp</c> (a string or an array, one claim per item).
/// </summary>
public sealed class ScopeRequirement(string scope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    public static bool Grants(ClaimsPrincipal user, string scope) =>
        user.Claims
            .Where(claim => claim.Type is "scope" or "scp")
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && Grants(context.User, requirement.Scope))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

using CrudCqrs.Api.Http;
using CrudCqrs.Application.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Api.Security;

/// <summary>
/// What a refused request is told, and the log line about it: a 403 names the scopes the token
/// lacks (in the problem and in <c>WWW-Authenticate: Bearer error="insufficient_scope"</c>, RFC 6750);
/// a 401 is the bearer scheme's challenge. Both are logged by <see cref="AuthRefusalLog"/>.
/// </summary>
public sealed class RefusalAnswers(AuthRefusalLog log, IOptionsMonitor<JwtBearerOptions> bearerOptions) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _framework = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var needed = policy.Requirements.OfType<ScopeRequirement>().Select(r => r.Scope).ToArray();
        var missing = needed.Where(scope => !ScopeRequirement.Grants(context.User, scope)).ToArray();
        if (authorizeResult.Forbidden && missing.Length > 0)
        {
            log.Forbidden(context, missing);
            context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', needed)}\"";
            await ProblemFactory.WriteAsync(context, ProblemFactory.Create(context, ErrorKinds.Forbidden,
                $"The token lacks the scope {string.Join(" and ", missing)}; this operation needs {string.Join(" and ", needed)}."));
            return;
        }
        if (authorizeResult.Challenged)
        {
            // The scheme keeps its result for the request, so asking again does not validate twice.
            var keysUnavailable = (bearerOptions.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager as MetadataWithBackoff)?.RetryAt is not null;
            log.Unauthenticated(context, (await context.AuthenticateAsync()).Failure, keysUnavailable);
        }
        await _framework.HandleAsync(next, context, policy, authorizeResult);
    }
}

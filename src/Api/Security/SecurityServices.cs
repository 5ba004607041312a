using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Behaviors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.OpenApi;

namespace CrudCqrs.Api.Security;

/// <summary>Authentication, scope policies, rate limits and what callers may see, from the <c>Auth__*</c> and <c>RateLimit__*</c> settings.</summary>
public static class SecurityServices
{
    /// <summary>Reads and checks the settings; throws <see cref="SecurityConfigurationException"/> when one cannot work.</summary>
    public static IHostApplicationBuilder AddApiSecurity(this IHostApplicationBuilder builder)
    {
        var auth = AuthSettings.Read(builder.Configuration, builder.Environment);
        var rateLimits = RateLimitSettings.Read(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(auth);
        services.AddSingleton(rateLimits);
        // Read here, with the other settings that decide what strangers may reach.
        services.AddSingleton(OpenApi.OpenApiSettings.Read(builder.Configuration, builder.Environment));
        services.AddHttpContextAccessor();
        services.Replace(ServiceDescriptor.Singleton<ICurrentCaller, HttpCurrentCaller>());
        services.Replace(ServiceDescriptor.Singleton(new TelemetryPrivacy(
            AuthSettings.ReadBool(builder.Configuration["Observability:RecordSearchText"], "Observability__RecordSearchText", false))));

        if (auth.Mode == AuthMode.Jwt)
        {
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
                .AddJwtBearer(options => ConfigureBearer(options, auth, builder.Environment));
            services.AddAuthorization(options =>
            {
                options.AddPolicy(Scopes.Read, policy => Require(policy, Scopes.Read));
                options.AddPolicy(Scopes.Write, policy => Require(policy, Scopes.Write));
            });
            services.AddSingleton<AuthRefusalLog>();
            if (auth.Authority is not null)
            {
                services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, MetadataBackoffSetup>();
                services.AddSingleton<TokenMetadataHealthCheck>();
                services.AddHealthChecks().AddCheck<TokenMetadataHealthCheck>(TokenMetadataHealthCheck.Name, tags: [Infrastructure.DependencyInjection.ReadyTag]);
            }
            services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalAnswers>();
        }
        else
        {
            // Open mode: every policy would allow everything, so the endpoints carry no
            // authorization metadata and no policy is evaluated per request. The OpenAPI document
            // still reads the scopes from the actions' attributes.
            services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(options => options.Conventions.Add(new OpenModeEndpoints()));
        }
        services.AddClientRateLimits(rateLimits);

        services.ConfigureSwaggerGen(options =>
        {
            options.AddSecurityDefinition(BearerSecurityFilter.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with scope resources:read, plus resources:write for writes (needed only when the service runs with Auth__Mode=Jwt).",
            });
            options.OperationFilter<BearerSecurityFilter>();
        });
        return builder;
    }

    /// <summary>Inside the status code pages, so that 401, 403 and 429 get the same problem details as every other error.</summary>
    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<AuthSettings>();
        if (auth.OpenOutsideDevelopment)
        {
            app.Logger.LogWarning(
                "Auth__Mode=None in {environment}: anyone who can reach the service may create, change and delete every resource.",
                app.Environment.EnvironmentName);
        }
        if (auth.Mode == AuthMode.Jwt)
        {
            app.UseAuthentication();
        }
        // After authentication (a client is its token's subject), before authorization: a flood
        // of refused calls is limited like any other.
        if (app.Services.GetRequiredService<RateLimitSettings>().Enabled)
        {
            app.UseRateLimiter();
        }
        app.UseAuthorization();
        if (auth.ProtectMetrics)
        {
            app.Use(async (context, next) =>
            {
                if (context.Request.Path.StartsWithSegments("/metrics") && context.User.Identity?.IsAuthenticated != true)
                {
                    await context.ChallengeAsync();
                    return;
                }
                await next(context);
            });
        }
        return app;
    }

    private static void Require(AuthorizationPolicyBuilder policy, string name) =>
        policy.RequireAuthenticatedUser().AddRequirements([.. Scopes.RequiredBy(name).Select(scope => new ScopeRequirement(scope))]);

    private static void ConfigureBearer(JwtBearerOptions options, AuthSettings auth, IHostEnvironment environment)
    {
        // Claims keep the names the issuer sent (sub, scope, scp), not the WS-Federation URIs.
        options.MapInboundClaims = false;
        options.Audience = auth.Audience;
        options.TokenValidationParameters.ValidAudience = auth.Audience;
        // A token past its exp is refused at once; issuers that need slack give tokens longer lives.
        options.TokenValidationParameters.ClockSkew = TimeSpan.Zero;
        options.TokenValidationParameters.NameClaimType = "sub";
        // The challenge says only that the token was refused: the framework's description quotes
        // the token's own claims (a CR or LF in iss broke the header, a quote forged a parameter).
        options.IncludeErrorDetails = false;
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.SecurityToken is JsonWebToken token && token.TryGetHeaderValue<object>("crit", out _))
                {
                    context.Fail(new CriticalHeaderException());
                }
                else if (context.Principal is null || CallerIdentity.OfClaims(context.Principal) is null)
                {
                    context.Fail(new NoCallerInTokenException());
                }
                return Task.CompletedTask;
            },
            OnChallenge = context =>
            {
                if (context.AuthenticateFailure is not null)
                {
                    context.Error = "invalid_token";
                }
                return Task.CompletedTask;
            },
        };
        if (auth.Authority is not null)
        {
            options.Authority = auth.Authority.ToString();
            options.RequireHttpsMetadata = !environment.IsDevelopment();
            if (auth.Issuer is not null)
            {
                options.TokenValidationParameters.ValidIssuer = auth.Issuer;
            }
            return;
        }
        options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(auth.SigningKey);
        options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        options.TokenValidationParameters.ValidIssuer = auth.Issuer;
        // With a shared key the key is the trust; an issuer is checked only when one is configured.
        options.TokenValidationParameters.ValidateIssuer = auth.Issuer is not null;
    }
}

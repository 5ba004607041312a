using System.Text.Json;
using CrudCqrs.Api.Http;
using CrudCqrs.Api.OpenApi;
using CrudCqrs.Api.Security;
using CrudCqrs.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrudCqrs.Api;

public static class ApiServices
{
    public static IHostApplicationBuilder AddApi(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = JsonBodyInputFormatter.MaxBodyBytes;
            // Long odd ids (10 KB and more) should reach the API and get a 404 problem, not a bare 414.
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
            kestrel.Limits.MaxRequestBufferSize = 1024 * 1024;
            // "Server: Kestrel" tells a stranger what to aim at and a client nothing it needs.
            kestrel.AddServerHeader = false;
        });

        builder.Services
            .AddControllers(options =>
            {
                options.InputFormatters.Insert(0, new JsonBodyInputFormatter());
                options.ModelBinderProviders.Insert(0, new PlainIntegerBinderProvider());
                // An instance, not a type: a type filter is not reusable, and one such global filter
                // stops MVC caching every action's filter list, rebuilding it on each request.
                options.Filters.Add(new RepeatedQueryParameterFilter());
                // Bodies are JSON whatever their Content-Type: form value providers must not consume them first.
                foreach (var formFactory in options.ValueProviderFactories
                    .Where(f => f is Microsoft.AspNetCore.Mvc.ModelBinding.FormValueProviderFactory
                        or Microsoft.AspNetCore.Mvc.ModelBinding.JQueryFormValueProviderFactory
                        or Microsoft.AspNetCore.Mvc.ModelBinding.FormFileValueProviderFactory)
                    .ToArray())
                {
                    options.ValueProviderFactories.Remove(formFactory);
                }
                // A body that failed to parse is reported by the formatter; no extra "body is required" line.
                options.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;
                // A value that does not bind is quoted back cut short: a request line may be 64 KB.
                options.ModelBindingMessageProvider.SetAttemptedValueIsInvalidAccessor(
                    (value, field) => $"The value '{InvalidRequestResponse.Quote(value)}' is not valid for {field}.");
                options.ModelBindingMessageProvider.SetNonPropertyAttemptedValueIsInvalidAccessor(
                    value => $"The value '{InvalidRequestResponse.Quote(value)}' is not valid.");
                // Whitespace-only values of the framework's binders reach these two instead (binding
                // treats them as null); int query parameters have their own (PlainIntegerBinder).
                options.ModelBindingMessageProvider.SetValueIsInvalidAccessor(
                    value => $"The value '{InvalidRequestResponse.Quote(value)}' is invalid.");
                options.ModelBindingMessageProvider.SetValueMustNotBeNullAccessor(
                    value => $"The value '{InvalidRequestResponse.Quote(value)}' is invalid.");
            })
            .AddJsonOptions(options =>
            {
                options.JsonSerializerOptions.Converters.Add(new UtcDateTimeConverter());
                options.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
                // A member given twice ({"name":"a","name":"b"}) would silently keep the last value,
                // while another reader of the same body (a proxy, an audit log) may keep the first.
                options.JsonSerializerOptions.AllowDuplicateProperties = false;
            })
            .ConfigureApiBehaviorOptions(options => options.InvalidModelStateResponseFactory = InvalidRequestResponse.Create);

        builder.Services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context => ProblemFactory.Complete(context.HttpContext, context.ProblemDetails));
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddSingleton<Idempotency.IdempotencyInFlight>();

        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(options =>
        {
            OpenApiDocumentSetup.Configure(options);
            options.OperationFilter<Idempotency.IdempotencyKeyOperationFilter>();
        });
        return builder;
    }

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseMiddleware<TraceHeadersMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Domain failures are answers, already logged by the pipeline; only faults get the framework's error log.
            SuppressDiagnosticsCallback = context => ApiExceptionHandler.IsExpected(context.Exception),
        });
        app.UseStatusCodePages();
        app.UseApiSecurity();

        // Only requests under /swagger pass through the document and UI middleware (the UI's
        // matches every path otherwise); outside Development only when OpenApi__Enabled says so.
        if (app.Services.GetRequiredService<OpenApiSettings>().Enabled)
        {
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), swagger =>
            {
                swagger.UseMiddleware<CachedOpenApiDocument>();
                swagger.UseSwagger();
                swagger.UseSwaggerUI(options => options.DocumentTitle = "CrudCqrs API");
            });
        }

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(DependencyInjection.ReadyTag),
            ResponseWriter = HealthResponse.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapControllers();
        return app;
    }
}

using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// Logging, tracing and metrics for the host, in one place (the shape of eShop's ServiceDefaults).
/// The SDK owns the pipeline: our keys become its <c>OTEL_*</c> keys (<see cref="ObservabilitySettings"/>),
/// and <c>UseOtlpExporter</c> builds exporters, processors and readers from them, bounded queues
/// and background export included. Nothing here can stop the service.
/// </summary>
public static class ObservabilityExtensions
{
    public const string LoggerCategory = "CrudCqrs.Telemetry";

    /// <summary>
    /// The runtime's, ASP.NET Core's and Kestrel's built-in meters, exported beside ours (routing's
    /// per-request match counter is left out: no panel reads it and it costs every request), and
    /// the SDK's own, whose processed counters carry <c>error.type=queue_full</c> for every span or
    /// log record a full batch queue dropped: a drop must reach the operator, not only
    /// <c>dotnet-counters</c>. What is handed on is counted once per export batch (a drop once per
    /// dropped item), so it costs requests nothing measurable (docs/performance.md).
    /// </summary>
    public static readonly string[] PlatformMeters =
    [
        "System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", SdkSelfMeter,
    ];

    /// <summary>The OpenTelemetry SDK's self-observability meter (semantic conventions' <c>otel.sdk.*</c>).</summary>
    public const string SdkSelfMeter = "otel.sdk.experimental";

    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        var settings = ObservabilitySettings.Resolve(builder.Configuration);
        // Added last, so the keys the operator set under Observability__ win over OTEL_* variables.
        builder.Configuration.AddInMemoryCollection(settings.SdkKeys);
        // First, so that every other source (variables, appsettings, Observability__ keys) wins.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ObservabilitySettings.SdkDefaults });
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<ObservabilityStartupReport>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("observability",
            services => new ObservabilityHealthCheck(settings, services.GetService<OtlpExportFailures>()), failureStatus: null, tags: [DependencyInjection.ReadyTag]));

        StdoutLogging.Configure(builder.Logging, settings);
        if (!settings.Enabled)
        {
            return builder;
        }

        // ASP.NET Core 10 then writes the request span's attributes itself, and the instrumentation
        // skips the work it would duplicate.
        AppContext.SetSwitch("Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData", false);
        // The host's default adds SpanId, TraceId and ParentId as a scope to every line the SDK's
        // provider sees, so every OTLP record carried them twice (the record's own trace context
        // has them); stdout renders its trace_id and span_id itself.
        builder.Logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.None);
        var version = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Version?.ToString(3) ?? "0.0.0";
        builder.Services.AddOpenTelemetry()
            // Our defaults first, then the standard variables over them, then Observability__ keys over those.
            .ConfigureResource(resource => resource.Clear()
                .AddService(ObservabilitySettings.DefaultServiceName, serviceVersion: version, autoGenerateServiceInstanceId: true)
                .AddAttributes([new("deployment.environment.name", builder.Environment.EnvironmentName.ToLowerInvariant())])
                .AddTelemetrySdk()
                .AddEnvironmentVariableDetector()
                .AddAttributes(settings.ResourceOverrides))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(CrudTelemetry.SourceName, Persistence.Sqlite.SqliteSession.ActivitySourceName, Persistence.Mongo.MongoRegistration.MongoActivitySourceName)
                    .AddAspNetCoreInstrumentation(options =>
                    {
                        options.RecordException = true;
                        options.Filter = context => !IsInfrastructurePath(context.Request.Path);
                    })
                    .AddEntityFrameworkCoreInstrumentation(DatabaseSpans.Configure);
                if (settings.TracesSampleRate is { } rate)
                {
                    // Set in code, it takes the place of the parentbased_traceidratio the rate is translated into.
                    tracing.SetSampler(new CallerSampling(rate, settings.TrustCallerSampling));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([CrudTelemetry.MeterName, .. PlatformMeters]);
                // Exemplars link the dashboards' latency panels to traces; OTEL_METRICS_EXEMPLAR_FILTER
                // (e.g. always_off, to save their cost per measurement) is the SDK's when given.
                if (builder.Configuration["OTEL_METRICS_EXEMPLAR_FILTER"] is null)
                {
                    metrics.SetExemplarFilter(ExemplarFilterType.TraceBased);
                }
                if (settings.PrometheusEndpoint)
                {
                    metrics.AddPrometheusExporter();
                }
            })
            .WithLogging(_ => { }, options =>
            {
                options.IncludeScopes = true;
                options.IncludeFormattedMessage = true;
                options.ParseStateValues = true;
            })
            .UseOtlpExporter();
        if (settings.LogsFollowSampling)
        {
            // When the SDK's registration is not recognised every record is exported; SampledLogExportTests notices.
            SampledLogExport.Install(builder.Services);
        }

        builder.Services.AddSingleton<OtlpExportFailures>();
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> when asked; starts the export-failure listener and the stored-count gauge.</summary>
    public static WebApplication UseObservability(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ObservabilitySettings>();
        if (!settings.Enabled)
        {
            return app;
        }
        app.Services.GetRequiredService<OtlpExportFailures>();
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        app.Services.GetRequiredService<CrudTelemetry>().ObserveStoredResourceCount(() => ReadStoredCount(scopes));
        if (settings.PrometheusEndpoint)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        return app;
    }

    /// <summary>
    /// The store's own count (kept in the same transaction as every write), so every instance
    /// reports the same true value. Read without telemetry: a scrape must not produce traces.
    /// </summary>
    private static long? ReadStoredCount(IServiceScopeFactory scopes)
    {
        using var suppressed = SuppressInstrumentationScope.Begin();
        try
        {
            using var scope = scopes.CreateScope();
            return scope.ServiceProvider.GetRequiredService<IResourceRepository>().CountAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (StoreUnavailableException)
        {
            // No point rather than a wrong one; /health/ready reports the store.
            return null;
        }
        catch (ObjectDisposedException)
        {
            // The final collection at shutdown runs after the services are gone: no point then either.
            return null;
        }
    }

    private static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/swagger");
}

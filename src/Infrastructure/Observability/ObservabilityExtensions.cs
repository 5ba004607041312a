using System.Diagnostics;
using CrudCqrs.Application.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// Logging, tracing and metrics for the host, in one place (the shape of eShop's ServiceDefaults).
/// Nothing here can stop the service: bad settings degrade telemetry (see
/// <see cref="ObservabilitySettings.Problems"/>), exports run on background threads with bounded
/// queues, and failed exports are counted and logged, never thrown.
/// </summary>
public static class ObservabilityExtensions
{
    public const string LoggerCategory = "CrudCqrs.Telemetry";

    /// <summary>Bounded queues: when the collector is slow or gone, spans and log records are dropped, never waited for.</summary>
    public const int MaxQueueSize = 4096;
    public const int ExportTimeoutMilliseconds = 5000;

    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        var version = typeof(ObservabilityExtensions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var entryVersion = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Version?.ToString(3);
        var settings = ObservabilitySettings.Resolve(builder.Configuration, entryVersion ?? version);
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<ObservabilityStartupReport>();
        builder.Services.AddHealthChecks().AddCheck("observability", () => settings.Problems.Count == 0
            ? HealthCheckResult.Healthy(settings.Enabled ? "telemetry is exported" : "telemetry is disabled")
            : HealthCheckResult.Degraded("telemetry is degraded: " + string.Join(" ", settings.Problems)), tags: [DependencyInjection.ReadyTag]);

        StdoutLogging.Configure(builder.Logging, settings);
        if (!settings.Enabled)
        {
            return builder;
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(settings.ServiceName, serviceVersion: settings.ServiceVersion, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId)
                .AddAttributes([new("deployment.environment.name", settings.Environment)]));

        otel.WithTracing(tracing =>
        {
            Sampler ratio = new TraceIdRatioBasedSampler(settings.TracesSampleRate);
            tracing
                .SetSampler(settings.SamplerIgnoresParent ? ratio : new ParentBasedSampler(ratio))
                .AddSource(CrudTelemetry.SourceName)
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.RecordException = true;
                    options.Filter = context => !IsInfrastructurePath(context.Request.Path);
                })
                .AddEntityFrameworkCoreInstrumentation()
                // Reads by id run outside EF Core and carry their own database span.
                .AddSource(Persistence.Sqlite.SqliteReadPool.ActivitySourceName);
            // The MongoDB driver (3.7+) emits its own command spans; only the sources are named here.
            tracing.AddSource(Persistence.Mongo.MongoRegistration.MongoActivitySourceName);
            if (settings.Traces.Endpoint is not null)
            {
                tracing.AddProcessor(services => new BatchActivityExportProcessor(
                    Wrap(new OtlpTraceExporter(ExporterOptions(settings, settings.Traces)), settings.Traces, services),
                    maxQueueSize: MaxQueueSize, exporterTimeoutMilliseconds: ExportTimeoutMilliseconds));
            }
        });

        otel.WithMetrics(metrics =>
        {
            metrics
                .AddMeter(CrudTelemetry.MeterName)
                .AddAspNetCoreInstrumentation()
                .SetExemplarFilter(ExemplarFilterType.TraceBased);
            if (settings.Metrics.Endpoint is not null)
            {
                metrics.AddReader(services => new PeriodicExportingMetricReader(
                    Wrap(new OtlpMetricExporter(ExporterOptions(settings, settings.Metrics)), settings.Metrics, services),
                    settings.MetricsExportIntervalMs, ExportTimeoutMilliseconds)
                {
                    TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
                });
            }
            if (settings.PrometheusEndpoint)
            {
                metrics.AddPrometheusExporter();
            }
        });

        otel.WithLogging(
            logging =>
            {
                if (settings.Logs.Endpoint is not null)
                {
                    logging.AddProcessor(services => new BatchLogRecordExportProcessor(
                        Wrap(new OtlpLogExporter(ExporterOptions(settings, settings.Logs)), settings.Logs, services),
                        maxQueueSize: MaxQueueSize, exporterTimeoutMilliseconds: ExportTimeoutMilliseconds));
                }
            },
            options =>
            {
                options.IncludeScopes = true;
                options.IncludeFormattedMessage = true;
                options.ParseStateValues = true;
            });

        builder.Services.AddSingleton(services => new OtlpDiagnosticsListener(
            services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory)));
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> when <c>Observability__PrometheusEndpoint=true</c>; starts the SDK diagnostics listener.</summary>
    public static WebApplication UseObservability(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ObservabilitySettings>();
        if (!settings.Enabled)
        {
            return app;
        }
        app.Services.GetRequiredService<OtlpDiagnosticsListener>();
        if (settings.PrometheusEndpoint)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        return app;
    }

    private static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/swagger");

    private static OtlpExporterOptions ExporterOptions(ObservabilitySettings settings, SignalExport signal) => new()
    {
        Endpoint = signal.Endpoint!,
        Protocol = signal.Transport == OtlpTransport.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
        Headers = settings.Headers.Count == 0 ? null : string.Join(',', settings.Headers.Select(h => $"{Uri.EscapeDataString(h.Key)}={Uri.EscapeDataString(h.Value)}")),
        TimeoutMilliseconds = ExportTimeoutMilliseconds,
    };

    private static FailureReportingExporter<T> Wrap<T>(BaseExporter<T> exporter, SignalExport signal, IServiceProvider services)
        where T : class =>
        new(exporter, signal.Signal, signal.Endpoint!.ToString(),
            services.GetRequiredService<CrudTelemetry>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory));
}

/// <summary>At start: one line per signal with the resolved exporter, protocol and full URL, and every settings problem.</summary>
internal sealed class ObservabilityStartupReport(ObservabilitySettings settings, ILoggerFactory loggers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(ObservabilityExtensions.LoggerCategory);
        foreach (var problem in settings.Problems)
        {
            logger.LogError("Observability setting ignored: {problem}", problem);
        }
        if (!settings.Enabled)
        {
            logger.LogInformation("Observability is disabled: no telemetry is collected or exported");
            return Task.CompletedTask;
        }
        foreach (var signal in new[] { settings.Traces, settings.Metrics, settings.Logs })
        {
            if (signal.Endpoint is null)
            {
                logger.LogWarning("OTLP {signal} exporter: off", signal.Signal);
                continue;
            }
            logger.LogInformation("OTLP {signal} exporter: {otlp.protocol} to {otlp.endpoint}",
                signal.Signal, signal.Transport == OtlpTransport.Grpc ? "grpc" : "http/protobuf", signal.Endpoint.ToString());
        }
        logger.LogInformation(
            "Telemetry: service {service} {service.version} in {deployment.environment.name}; sampling {sample.rate:0.###} ({sampler}); metrics every {interval.ms} ms; Prometheus /metrics {prometheus}",
            settings.ServiceName, settings.ServiceVersion, settings.Environment, settings.TracesSampleRate,
            settings.SamplerIgnoresParent ? "trace id ratio" : "parent based", settings.MetricsExportIntervalMs,
            settings.PrometheusEndpoint ? "on" : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

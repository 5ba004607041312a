using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>At start: every settings problem (one error naming its key), and where each signal is exported.</summary>
internal sealed class ObservabilityStartupReport(ObservabilitySettings settings, IConfiguration configuration, ILoggerFactory loggers) : IHostedService
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
        // What the SDK reads (OTEL_* keys, ours translated into them); it applies its own defaults to the rest.
        var shared = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "the SDK's default (localhost:4317 for grpc, 4318 for http/protobuf)";
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? "grpc";
        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            var own = configuration[$"OTEL_EXPORTER_OTLP_{signal.ToUpperInvariant()}_ENDPOINT"];
            logger.LogInformation("OTLP {signal} exporter: {otlp.protocol} to {otlp.endpoint}", signal,
                configuration[$"OTEL_EXPORTER_OTLP_{signal.ToUpperInvariant()}_PROTOCOL"] ?? protocol, own ?? shared);
        }
        logger.LogInformation("Telemetry: service {service}; sampler {sampler} {sampler.arg}; Prometheus /metrics {prometheus}",
            settings.ServiceName, configuration["OTEL_TRACES_SAMPLER"] ?? "parentbased_always_on", configuration["OTEL_TRACES_SAMPLER_ARG"] ?? "",
            settings.PrometheusEndpoint ? "on" : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

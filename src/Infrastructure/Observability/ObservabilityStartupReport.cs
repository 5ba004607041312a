using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>At start: every settings problem (one error naming its key), where each signal is exported, and how traces are sampled.</summary>
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
        // What the SDK reads (OTEL_* keys, ours translated into them), with its defaults where none is given;
        // signals that go to the same place share a line.
        var shared = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? "grpc";
        var destinations = new[] { "traces", "metrics", "logs" }.Select(signal =>
        {
            var key = signal.ToUpperInvariant();
            var own = configuration[$"OTEL_EXPORTER_OTLP_{key}_PROTOCOL"] ?? protocol;
            var endpoint = configuration[$"OTEL_EXPORTER_OTLP_{key}_ENDPOINT"] ?? shared
                ?? (own == "grpc" ? "http://localhost:4317" : $"http://localhost:4318/v1/{signal}");
            return (signal, destination: $"{own} to {endpoint.TrimEnd('/')}");
        });
        foreach (var group in destinations.GroupBy(d => d.destination))
        {
            logger.LogInformation("OTLP export of {otlp.signals}: {otlp.destination}", string.Join(", ", group.Select(d => d.signal)), group.Key);
        }
        var sampler = configuration["OTEL_TRACES_SAMPLER"] ?? "parentbased_always_on";
        if (configuration["OTEL_TRACES_SAMPLER_ARG"] is { Length: > 0 } argument)
        {
            sampler += $" ({argument})";
        }
        logger.LogInformation("Service {service.name}, trace sampler {sampler}, Prometheus /metrics {prometheus}",
            settings.ServiceName, sampler, settings.PrometheusEndpoint ? "on" : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

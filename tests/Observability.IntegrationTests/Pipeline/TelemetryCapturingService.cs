using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.IntegrationTests.Pipeline;

/// <summary>The in-memory host with its defaults and every span, metric and log record captured: a class fixture.</summary>
public sealed class TelemetryCapturingService() : InMemoryService(new Dictionary<string, string?>(), captureTelemetry: true);

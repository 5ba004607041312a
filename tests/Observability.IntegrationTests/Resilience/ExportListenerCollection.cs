namespace CrudCqrs.Observability.IntegrationTests.Resilience;

/// <summary>
/// The export-failure listener hears the OTLP exporter's EventSource process-wide, so in-process
/// hosts of other test classes failing their exports at the same time would keep a streak open
/// or join a report. These tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExportListenerCollection
{
    public const string Name = "export failure listener";
}

using CrudCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace CrudCqrs.Observability.IntegrationTests.Settings;

/// <summary>
/// The batch processors are sized for a many-core read peak (docs/performance.md, telemetry cost):
/// the service's defaults sit below every configuration source, so the SDK's options read them
/// unless an operator set the standard variable.
/// </summary>
public sealed class BatchQueueSizeTests
{
    private static InMemoryService AppWith(IReadOnlyDictionary<string, string?> settings) => InMemoryService.Create(settings, captureTelemetry: true);

    [Fact]
    public void Spans_and_log_records_queue_32768_and_export_2048_at_a_time_by_default()
    {
        using var app = AppWith(new Dictionary<string, string?>());
        var spans = app.Services.GetRequiredService<IOptionsMonitor<BatchExportActivityProcessorOptions>>().CurrentValue;
        var logs = app.Services.GetRequiredService<IOptionsMonitor<BatchExportLogRecordProcessorOptions>>().CurrentValue;

        Assert.Equal((32768, 2048), (spans.MaxQueueSize, spans.MaxExportBatchSize));
        Assert.Equal((32768, 2048), (logs.MaxQueueSize, logs.MaxExportBatchSize));
        // The delays stay the SDK's (5 s for both): how soon an item reaches the collector does not change.
        Assert.Equal((5000, 5000), (spans.ScheduledDelayMilliseconds, logs.ScheduledDelayMilliseconds));
    }

    [Fact]
    public void The_standard_variables_win_over_the_service_defaults()
    {
        using var app = AppWith(new Dictionary<string, string?>
        {
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "4096",
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "256",
            ["OTEL_BLRP_MAX_QUEUE_SIZE"] = "8192",
        });
        var spans = app.Services.GetRequiredService<IOptionsMonitor<BatchExportActivityProcessorOptions>>().CurrentValue;
        var logs = app.Services.GetRequiredService<IOptionsMonitor<BatchExportLogRecordProcessorOptions>>().CurrentValue;

        Assert.Equal((4096, 256), (spans.MaxQueueSize, spans.MaxExportBatchSize));
        Assert.Equal((8192, 2048), (logs.MaxQueueSize, logs.MaxExportBatchSize));
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CrudCqrs.Observability.IntegrationTests.Receivers;

/// <summary>
/// Proves the receiver fixture itself: what the OpenTelemetry SDK exports over real OTLP arrives
/// and reads back with its names, ids, parentage, status and attributes.
/// </summary>
[Collection(AspireDashboardCollection.Name)]
public sealed class AspireDashboardReceiverTests(AspireDashboardReceiver receiver)
{
    [SkippableTheory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Spans_logs_and_metrics_exported_over_otlp_are_read_back(OtlpExportProtocol protocol)
    {
        Skip.If(receiver.SkipReason != null, receiver.SkipReason);

        // Names unique to this run, so that other tests sharing the receiver cannot satisfy the waits.
        var serviceName = $"receiver-test-{protocol}-{Guid.NewGuid():N}";
        var sourceName = $"{serviceName}.source";
        var resourceId = Guid.NewGuid().ToString();
        string traceId, parentSpanId, childSpanId;

        using var source = new ActivitySource(sourceName);
        using var meter = new Meter(sourceName);
        var resource = ResourceBuilder.CreateEmpty().AddService(serviceName);
        using (var tracerProvider = Sdk.CreateTracerProviderBuilder()
                   .SetResourceBuilder(resource)
                   .AddSource(sourceName)
                   .AddOtlpExporter(options => Configure(options, protocol, receiver.HttpTracesEndpoint))
                   .Build())
        using (var meterProvider = Sdk.CreateMeterProviderBuilder()
                   .SetResourceBuilder(resource)
                   .AddMeter(sourceName)
                   .AddOtlpExporter(options => Configure(options, protocol, receiver.HttpMetricsEndpoint))
                   .Build())
        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(options =>
               {
                   options.SetResourceBuilder(resource);
                   options.IncludeFormattedMessage = true;
                   options.AddOtlpExporter(exporter => Configure(exporter, protocol, receiver.HttpLogsEndpoint));
               })))
        {
            var logger = loggerFactory.CreateLogger("receiver.test");
            meter.CreateCounter<long>("receiver.test.calls").Add(3);
            using (var parent = source.StartActivity("parent operation", ActivityKind.Server)!)
            {
                parent.SetTag("resource.id", resourceId);
                parent.SetTag("dependency.count", 3);
                using (var child = source.StartActivity("child operation")!)
                {
                    child.AddEvent(new ActivityEvent("cache miss", tags: new ActivityTagsCollection { ["cache.key"] = resourceId }));
                    child.SetStatus(ActivityStatusCode.Error, "store unavailable");
                    logger.LogWarning("Resource {ResourceId} could not be loaded", resourceId);
                    childSpanId = child.SpanId.ToHexString();
                }

                parent.SetStatus(ActivityStatusCode.Ok);
                traceId = parent.TraceId.ToHexString();
                parentSpanId = parent.SpanId.ToHexString();
            }

            Assert.True(tracerProvider.ForceFlush(10_000), "trace export did not finish");
            Assert.True(meterProvider.ForceFlush(10_000), "metric export did not finish");
        }

        var spans = await receiver.WaitForSpansAsync(span => span.TraceId == traceId, count: 2);
        var parentSpan = Assert.Single(spans, span => span.Name == "parent operation");
        var childSpan = Assert.Single(spans, span => span.Name == "child operation");

        Assert.Equal(parentSpanId, parentSpan.SpanId);
        Assert.Null(parentSpan.ParentSpanId);
        Assert.Equal(ActivityKind.Server, parentSpan.Kind);
        Assert.Equal(ActivityStatusCode.Ok, parentSpan.StatusCode);
        Assert.Equal(resourceId, parentSpan.Attributes["resource.id"]);
        Assert.Equal("3", parentSpan.Attributes["dependency.count"]); // the dashboard keeps values as text
        Assert.Equal(serviceName, parentSpan.ServiceName);
        Assert.Equal(sourceName, parentSpan.ScopeName);
        Assert.True(parentSpan.EndTime >= parentSpan.StartTime);

        Assert.Equal(childSpanId, childSpan.SpanId);
        Assert.Equal(parentSpanId, childSpan.ParentSpanId);
        Assert.Equal(ActivityKind.Internal, childSpan.Kind);
        Assert.Equal(ActivityStatusCode.Error, childSpan.StatusCode);
        Assert.Equal("store unavailable", childSpan.StatusMessage);
        var cacheMiss = Assert.Single(childSpan.Events);
        Assert.Equal("cache miss", cacheMiss.Name);
        Assert.Equal(resourceId, cacheMiss.Attributes["cache.key"]);

        var log = await receiver.WaitForLogAsync(record => record.ServiceName == serviceName);
        Assert.Equal($"Resource {resourceId} could not be loaded", log.Body);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Equal(resourceId, log.Attributes["ResourceId"]);
        Assert.Equal(traceId, log.TraceId);
        Assert.Equal(childSpanId, log.SpanId);
        Assert.Equal("receiver.test", log.ScopeName);

        // The same log is found through the API's trace filter.
        var logsOfTrace = await receiver.GetLogsAsync(traceId);
        Assert.Contains(logsOfTrace, record => record.Body == log.Body);

        // No API for metric values: the service is at least known to have sent metrics.
        var service = await receiver.WaitForResourceAsync(r => r.Name == serviceName && r.HasMetrics);
        Assert.True(service.HasTraces && service.HasLogs);
    }

    [SkippableFact]
    public async Task Span_filter_by_trace_id_returns_only_that_trace()
    {
        Skip.If(receiver.SkipReason != null, receiver.SkipReason);

        var sourceName = $"receiver-filter-{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        var traceIds = new List<string>();
        using (var tracerProvider = Sdk.CreateTracerProviderBuilder()
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(sourceName))
                   .AddSource(sourceName)
                   .AddOtlpExporter(options => Configure(options, OtlpExportProtocol.Grpc, receiver.HttpTracesEndpoint))
                   .Build())
        {
            for (var i = 0; i < 3; i++)
            {
                using var activity = source.StartActivity($"operation {i}")!;
                traceIds.Add(activity.TraceId.ToHexString());
            }

            Assert.True(tracerProvider.ForceFlush(10_000));
        }

        await receiver.WaitForSpansAsync(span => span.ServiceName == sourceName, count: 3);
        var second = await receiver.GetSpansAsync(traceIds[1]);

        var span = Assert.Single(second);
        Assert.Equal("operation 1", span.Name);
        Assert.Equal(traceIds[1], span.TraceId);
    }

    [SkippableFact]
    public async Task Waiting_for_a_span_that_never_arrives_times_out_naming_what_did_arrive()
    {
        Skip.If(receiver.SkipReason != null, receiver.SkipReason);

        var missing = Guid.NewGuid().ToString("N");
        var timeout = await Assert.ThrowsAsync<TimeoutException>(
            () => receiver.WaitForSpanAsync(span => span.Name == missing, TimeSpan.FromMilliseconds(300)));

        Assert.Contains("Expected 1 matching span(s)", timeout.Message);
    }

    private void Configure(OtlpExporterOptions options, OtlpExportProtocol protocol, Uri httpSignalEndpoint)
    {
        options.Protocol = protocol;
        // Set in code, an HTTP endpoint is used as given, so it must name the signal path.
        options.Endpoint = protocol == OtlpExportProtocol.Grpc ? receiver.GrpcEndpoint : httpSignalEndpoint;
    }
}

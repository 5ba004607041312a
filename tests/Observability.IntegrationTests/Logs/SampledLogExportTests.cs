using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CrudCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Observability.IntegrationTests.Logs;

/// <summary>
/// With <c>LogsFollowSampling</c>, OTLP log records follow the trace sampling decision; warnings and errors are always exported.
/// Also the check that the SDK's logger provider is still wrapped: if its registration changes
/// shape, unsampled information lines start arriving and these tests fail.
/// </summary>
public sealed class SampledLogExportTests
{
    private static InMemoryService NothingSampled() => InMemoryService.Create(new Dictionary<string, string?>
    {
        ["Observability:TracesSampleRate"] = "0",
        ["Observability:LogsFollowSampling"] = "true",
        // So that a caller can sample its trace, below.
        ["Observability:TrustCallerSampling"] = "true",
    }, captureTelemetry: true);

    /// <summary>The default: every line is exported, as the SDK does.</summary>
    private static InMemoryService NothingSampledEveryLogExported() => InMemoryService.Create(new Dictionary<string, string?> { ["Observability:TracesSampleRate"] = "0" }, captureTelemetry: true);

    [Fact]
    public async Task Lines_of_an_unsampled_request_are_not_exported_refusals_included_but_warnings_are()
    {
        await using var app = NothingSampled();
        using var client = app.CreateClient();

        var created = await client.PostAsJsonAsync("/api/resources", new { name = "unsampled" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var missing = await client.GetAsync($"/api/resources/{Guid.CreateVersion7()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // A trusted caller that sampled its trace is honoured (parent-based sampling), and so are its lines.
        var sampledTrace = ActivityTraceId.CreateRandom();
        using var sampled = new HttpRequestMessage(HttpMethod.Post, "/api/resources") { Content = JsonContent.Create(new { name = "sampled" }) };
        sampled.Headers.Add("traceparent", $"00-{sampledTrace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(sampled)).StatusCode);

        // A warning written inside a trace that is not sampled is still exported; an information line is not.
        var probe = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(ProbeCategory);
        ActivityTraceId probeTrace;
        using (var unsampled = new Activity("unsampled-probe").Start())
        {
            unsampled.ActivityTraceFlags = ActivityTraceFlags.None;
            probeTrace = unsampled.TraceId;
            probe.LogInformation("probe information");
            probe.LogWarning("probe warning");
        }

        var operationLines = await OperationLinesAsync(app, expectedAtLeast: 3);
        Assert.DoesNotContain(operationLines, l => l.LogLevel < LogLevel.Warning && l.TraceId != sampledTrace);
        // A refusal is an outcome at information level (docs/logging-reference.md): it follows the sampling like a success.
        Assert.DoesNotContain(operationLines, l => l.TraceId == TraceOf(missing));
        Assert.Contains(operationLines, l => l.LogLevel == LogLevel.Warning && l.TraceId == probeTrace);
        Assert.Equal(2, operationLines.Count(l => l.TraceId == sampledTrace));
    }

    [Fact]
    public async Task By_default_every_line_is_exported_whatever_the_sampling()
    {
        await using var app = NothingSampledEveryLogExported();
        using var client = app.CreateClient();

        var created = await client.PostAsJsonAsync("/api/resources", new { name = "unsampled" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var operationLines = await OperationLinesAsync(app, expectedAtLeast: 2);
        Assert.Equal(2, operationLines.Count(l => l.TraceId == TraceOf(created) && l.LogLevel == LogLevel.Information));
    }

    private const string ProbeCategory = "CrudCqrs.SamplingProbe";

    private static ActivityTraceId TraceOf(HttpResponseMessage response) =>
        ActivityTraceId.CreateFromString(response.Headers.GetValues("X-Trace-Id").Single());

    /// <summary>The logging behavior's records and the probe's, once the batch processor has handed at least this many to the exporter.</summary>
    private static async Task<OpenTelemetry.Logs.LogRecord[]> OperationLinesAsync(InMemoryService app, int expectedAtLeast)
    {
        OpenTelemetry.Logs.LogRecord[] lines = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            lines = app.Logs.Snapshot().Where(l => (l.CategoryName?.Contains("LoggingBehavior", StringComparison.Ordinal) == true || l.CategoryName == ProbeCategory)).ToArray();
            if (lines.Length >= expectedAtLeast)
            {
                // Anything that should not be there would have come in the same batch.
                await Task.Delay(200);
                return app.Logs.Snapshot().Where(l => (l.CategoryName?.Contains("LoggingBehavior", StringComparison.Ordinal) == true || l.CategoryName == ProbeCategory)).ToArray();
            }
            await Task.Delay(50);
        }
        return lines;
    }
}

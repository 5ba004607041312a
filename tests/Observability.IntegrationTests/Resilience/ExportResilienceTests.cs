using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CrudCqrs.Observability.IntegrationTests.Export;
using CrudCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CrudCqrs.Observability.IntegrationTests.Resilience;

/// <summary>
/// Properties 23 and 24 of docs/observability-properties.md: with the collector gone or hanging, requests still succeed at their
/// usual speed, and the export failures are counted and logged instead.
/// </summary>
[Collection(ExportListenerCollection.Name)]
public sealed class ExportResilienceTests
{
    private static InMemoryService AppExportingTo(string endpoint, string protocol) => InMemoryService.Create(new Dictionary<string, string?>
    {
        ["Observability:OtlpEndpoint"] = endpoint,
        ["Observability:OtlpProtocol"] = protocol,
        ["Observability:MetricsExportIntervalMs"] = "500",
        // A hung export gives up after 3 s instead of the SDK's 10 s, so failures against the black
        // hole are counted sooner; a request that waited on one would still take over 2 s.
        ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "3000",
    }, captureTelemetry: true);

    [Theory]
    [InlineData("refused", "grpc")]
    [InlineData("refused", "http/protobuf")]
    [InlineData("black-hole", "grpc")]
    [InlineData("black-hole", "http/protobuf")]
    public async Task Requests_succeed_quickly_while_exports_fail_and_are_reported(string collector, string protocol)
    {
        using var blackHole = new SilentListener();
        var endpoint = collector == "refused" ? $"http://127.0.0.1:{FreePort.Next()}" : $"http://127.0.0.1:{blackHole.Port}";
        await using var app = AppExportingTo(endpoint, protocol);
        using var client = app.CreateClient();

        // The first request pays for JIT and first-use initialisation, which says nothing about exports.
        (await client.PostAsJsonAsync("/api/resources", new { name = "warm-up" })).EnsureSuccessStatusCode();
        var slowest = TimeSpan.Zero;
        var times = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var created = await client.PostAsJsonAsync("/api/resources", new { name = $"r{i}" });
            var read = await client.GetAsync(created.Headers.Location);
            var elapsed = Stopwatch.GetElapsedTime(started);
            slowest = elapsed > slowest ? elapsed : slowest;
            times.Add((int)elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        // An export that blocked a request would cost it the 3 s export timeout; allow a margin below that.
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest request pair took {slowest}; all, in ms: {string.Join(",", times)}");

        // Metrics export every 500 ms; spans within the batch delay plus the export timeout. Against
        // the black hole every flush below also waits out the OTLP reader's export timeout, so with
        // other test assemblies running beside this one a failure can take several rounds (a CI
        // run under load once needed more than 90 s).
        var deadline = DateTime.UtcNow.AddSeconds(180);
        long metricFailures = 0, traceFailures = 0;
        while (DateTime.UtcNow < deadline && (metricFailures == 0 || traceFailures == 0))
        {
            await Task.Delay(500);
            var metrics = app.CollectMetrics();
            metricFailures = MetricTotals.Sum(metrics, "crud.telemetry.export.failures", ("signal", "metrics"));
            traceFailures = MetricTotals.Sum(metrics, "crud.telemetry.export.failures", ("signal", "traces"));
        }
        Assert.True(metricFailures > 0, "metric export failures were not counted");
        Assert.True(traceFailures > 0, "trace export failures were not counted");
        // One line per report, for every failing signal, naming the endpoint and the settings that
        // stop or move the export; the SDK's exception and stack only at Debug.
        var reports = await ReportsAsync(app);
        Assert.NotEmpty(reports);
        foreach (var report in reports)
        {
            Assert.Null(report.Exception);
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, report.LogLevel);
            Assert.DoesNotContain("\n", report.FormattedMessage, StringComparison.Ordinal);
            // The failure listener hears the exporter's EventSource process-wide, so other test hosts
            // failing at the same time may add their endpoints to the same line.
            Assert.Matches($@"^OTLP export to ([^ ]+, )*{System.Text.RegularExpressions.Regex.Escape(endpoint)}(, [^ ]+)* failing for ", report.FormattedMessage);
            Assert.Contains("Observability__Enabled=false", report.FormattedMessage);
            Assert.Contains("Observability__OtlpEndpoint", report.FormattedMessage);
        }
        // At most one report per 30 s (a little slack for the two clocks involved).
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True(pair.Second.Timestamp - pair.First.Timestamp > TimeSpan.FromSeconds(29)));
        Assert.DoesNotContain(app.Logs.Snapshot(), l => l.LogLevel >= Microsoft.Extensions.Logging.LogLevel.Warning && l.FormattedMessage?.Contains("   at ", StringComparison.Ordinal) == true);

        // Requests are still answered, and readiness says telemetry is not getting through.
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var observability = (await ready.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("checks").GetProperty("observability");
        Assert.Equal("Degraded", observability.GetProperty("status").GetString());
        Assert.Contains(endpoint, observability.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Readiness_is_degraded_with_the_reason_and_since_when_while_exports_fail()
    {
        var port = FreePort.Next();
        var endpoint = $"http://127.0.0.1:{port}";
        await using var app = AppExportingTo(endpoint, "http/protobuf");
        using var client = app.CreateClient();
        var started = DateTimeOffset.UtcNow;
        (await client.PostAsJsonAsync("/api/resources", new { name = "exported" })).EnsureSuccessStatusCode();

        var failing = await ObservabilityCheckAsync(client, status => status == "Degraded");
        Assert.Equal("Degraded", failing.GetProperty("status").GetString());
        var description = failing.GetProperty("description").GetString()!;
        Assert.Contains($"OTLP export to {endpoint} failing", description);
        Assert.Contains("refused", description, StringComparison.OrdinalIgnoreCase);
        var since = DateTimeOffset.Parse(failing.GetProperty("data").GetProperty("failing_since").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, since.Offset);
        Assert.True(since >= started.AddSeconds(-1) && since <= DateTimeOffset.UtcNow, $"failing since {since:O}, test started {started:O}");
        Assert.Contains(since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), description);
    }

    [Fact]
    public async Task Readiness_is_healthy_again_once_every_failing_signal_has_exported()
    {
        var port = FreePort.Next();
        await using var app = AppExportingTo($"http://127.0.0.1:{port}", "http/protobuf");
        using var client = app.CreateClient();
        (await client.PostAsJsonAsync("/api/resources", new { name = "before the collector" })).EnsureSuccessStatusCode();
        var failing = await ObservabilityCheckAsync(client, status => status == "Degraded");
        Assert.Equal("Degraded", failing.GetProperty("status").GetString());
        var failingSignals = failing.GetProperty("data").GetProperty("failing_signals").GetString()!.Split(',');

        // The collector comes up on that address. Spans and log records are exported only when
        // there are some, so requests go on until every signal has exported once.
        await using var collector = await OtlpBodyCapture.StartAsync(port);
        var recoveredCheck = await ObservabilityCheckAsync(client, status => status == "Healthy",
            eachRound: async () => (await client.PostAsJsonAsync("/api/resources", new { name = "after the collector" })).EnsureSuccessStatusCode());

        Assert.Equal("Healthy", recoveredCheck.GetProperty("status").GetString());
        Assert.True(collector.Count > 0);
        // Each signal that failed says, once, that it works again (written off the export thread).
        var recoveryDeadline = DateTime.UtcNow.AddSeconds(10);
        HashSet<string> recovered;
        while (!(recovered = RecoveredSignals(app)).IsSupersetOf(failingSignals) && DateTime.UtcNow < recoveryDeadline)
        {
            await Task.Delay(100);
        }
        Assert.Superset(failingSignals.ToHashSet(), recovered);
    }

    private static HashSet<string> RecoveredSignals(InMemoryService app) =>
        app.Logs.Snapshot().Where(l => l.EventId.Name == "TelemetryExportRecovered")
            .Select(l => l.Attributes?.FirstOrDefault(a => a.Key == "otlp.signal").Value as string ?? "")
            .ToHashSet();

    /// <summary>
    /// Nothing is lost silently: a span or log record that a full batch queue drops is counted by the
    /// SDK (<c>otel.sdk.processor.*.processed</c> with <c>error.type=queue_full</c>), and that count
    /// reaches what operators read, the scrape endpoint (and, by the same meter provider, OTLP).
    /// </summary>
    [Fact]
    public async Task Items_a_full_queue_drops_are_counted_on_the_metrics_endpoint()
    {
        using var blackHole = new SilentListener();
        await using var app = InMemoryService.Create(new Dictionary<string, string?>
        {
            ["Observability:OtlpEndpoint"] = $"http://127.0.0.1:{blackHole.Port}",
            ["Observability:OtlpProtocol"] = "http/protobuf",
            ["Observability:PrometheusEndpoint"] = "true",
            // Queues of 8: the first export of each signal hangs on the black hole, the rest overflows.
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "8",
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "8",
            ["OTEL_BLRP_MAX_QUEUE_SIZE"] = "8",
            ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"] = "8",
        }, captureTelemetry: true);
        using var client = app.CreateClient();

        for (var i = 0; i < 40; i++)
        {
            (await client.GetAsync("/api/resources")).EnsureSuccessStatusCode();
        }
        // The scrape endpoint caches its answer briefly; the drops happened while requests ran.
        await Task.Delay(1000);
        var scrape = await client.GetStringAsync("/metrics");

        // 40 reads make at least 80 spans and 80 operation lines; 16 fit the queue and the hung batch.
        Assert.InRange(MetricsExposition.Sum(scrape, "otel_sdk_processor_span_processed_total", ("error_type", "queue_full")), 40, 200);
        Assert.InRange(MetricsExposition.Sum(scrape, "otel_sdk_processor_log_processed_total", ("error_type", "queue_full")), 40, 200);
    }

    /// <summary>Polls the readiness check until <paramref name="until"/> holds (90 s at most), doing <paramref name="eachRound"/> first each round.</summary>
    private static async Task<System.Text.Json.JsonElement> ObservabilityCheckAsync(HttpClient client, Func<string?, bool> until, Func<Task>? eachRound = null)
    {
        // Metrics are exported every 500 ms; spans and logs every 5 s.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        System.Text.Json.JsonElement check;
        do
        {
            if (eachRound is not null)
            {
                await eachRound();
            }
            await Task.Delay(250);
            var ready = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/health/ready");
            check = ready.GetProperty("checks").GetProperty("observability");
        }
        while (!until(check.GetProperty("status").GetString()) && DateTime.UtcNow < deadline);
        return check;
    }

    /// <summary>The export reports so far; a report is written off the export thread, so it may lag the counter a little.</summary>
    private static async Task<OpenTelemetry.Logs.LogRecord[]> ReportsAsync(InMemoryService app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        OpenTelemetry.Logs.LogRecord[] reports;
        while ((reports = app.Logs.Snapshot().Where(l => l.EventId.Name == "TelemetryExportFailed").ToArray()).Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        return reports;
    }
}

/// <summary>Property 22 of docs/observability-properties.md: with observability off nothing is collected or exported, and requests are unaffected.</summary>
public sealed class DisabledObservabilityTests
{
    private static InMemoryService DisabledApp() => InMemoryService.Create(new Dictionary<string, string?>
    {
        ["Observability:Enabled"] = "false",
        ["Observability:PrometheusEndpoint"] = "true",
    }, captureTelemetry: true);

    [Fact]
    public async Task Nothing_is_registered_collected_or_served()
    {
        await using var app = DisabledApp();
        using var client = app.CreateClient();
        var traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/resources") { Content = JsonContent.Create(new { name = "quiet" }) };
        request.Headers.Add("traceparent", traceParent);

        var created = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", created.Headers.GetValues("X-Trace-Id").Single());
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Empty(app.Spans.Snapshot());
        Assert.Empty(app.Logs.Snapshot());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CrudCqrs.Observability.IntegrationTests.Receivers;
using CrudCqrs.TestSupport;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Observability.IntegrationTests.Export;

/// <summary>
/// The real service exports over real OTLP, gRPC and HTTP/protobuf, to a real receiver (the
/// Aspire Dashboard) started by the test; what arrived is inspected span by span and log by log.
/// </summary>
[Collection(AspireDashboardCollection.Name)]
public sealed class OtlpExportTests(AspireDashboardReceiver receiver)
{
    [SkippableTheory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Spans_logs_and_metrics_of_every_operation_arrive_with_their_hierarchy_and_fields(string protocol)
    {
        Skip.If(receiver.SkipReason is not null, receiver.SkipReason);
        var serviceName = $"otlp-{protocol.Replace('/', '-')}-{Guid.NewGuid():N}"[..30];
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__ServiceName"] = serviceName,
            ["Observability__OtlpProtocol"] = protocol,
            // The shared endpoint without a path: the SDK adds /v1/traces etc. for HTTP itself.
            ["Observability__OtlpEndpoint"] = (protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint).ToString(),
            ["Observability__MetricsExportIntervalMs"] = "1000",
        });

        var created = await service.Client.PostAsJsonAsync("/api/resources", new { name = "exported", description = "over otlp" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var createTrace = created.Headers.GetValues("X-Trace-Id").Single();
        var read = await service.Client.GetAsync($"/api/resources/{id}");
        read.EnsureSuccessStatusCode();
        var readTrace = read.Headers.GetValues("X-Trace-Id").Single();
        var cycle = await service.Client.PutAsJsonAsync($"/api/resources/{id}", new { dependencies = new[] { id } });
        var invalidTrace = cycle.Headers.GetValues("X-Trace-Id").Single();
        var updated = await service.Client.PutAsJsonAsync($"/api/resources/{id}", new { description = "through EF Core" });
        updated.EnsureSuccessStatusCode();
        var updateTrace = updated.Headers.GetValues("X-Trace-Id").Single();

        // Create: the operation span under the HTTP server span, with its attributes, and the
        // database client spans of its prepared statements (ADR 014) under it, named and tagged
        // per the OpenTelemetry database conventions.
        var createSpans = await receiver.WaitForSpansAsync(s => s.TraceId == createTrace && s.ServiceName == serviceName, 4);
        var server = Assert.Single(createSpans, s => s.Kind == ActivityKind.Server);
        var operation = Assert.Single(createSpans, s => s.Name == "create_resource");
        Assert.Equal(server.SpanId, operation.ParentSpanId);
        Assert.Equal("create", operation.Attributes["operation.type"]);
        Assert.Equal("sqlite", operation.Attributes["store.type"]);
        Assert.Equal(id, operation.Attributes["resource.id"]);
        Assert.Equal(ActivityStatusCode.Ok, operation.StatusCode);
        var insert = Assert.Single(createSpans, s => s.Name == "INSERT Resources");
        Assert.Equal(operation.SpanId, insert.ParentSpanId);
        Assert.Equal(ActivityKind.Client, insert.Kind);
        Assert.Equal("CrudCqrs.Sqlite", insert.ScopeName);
        Assert.Equal("sqlite", insert.Attributes["db.system.name"]);
        Assert.Equal("INSERT Resources", insert.Attributes["db.query.summary"]);
        Assert.Equal("INSERT", insert.Attributes["db.operation.name"]);
        Assert.Equal("Resources", insert.Attributes["db.collection.name"]);
        Assert.StartsWith("INSERT INTO Resources", insert.Attributes["db.query.text"], StringComparison.Ordinal);
        Assert.True(insert.Attributes.ContainsKey("db.namespace"), insert.ToString());
        // Only client spans carry db.* attributes.
        Assert.All(createSpans.Where(s => s.Kind != ActivityKind.Client),
            s => Assert.DoesNotContain(s.Attributes.Keys, key => key.StartsWith("db.", StringComparison.Ordinal)));
        Assert.Equal("production", operation.ResourceAttributes["deployment.environment.name"]);

        // Read: served outside EF Core, yet with its own database client span under the operation.
        var readSpans = await receiver.WaitForSpansAsync(s => s.TraceId == readTrace && s.ServiceName == serviceName, 3);
        var select = Assert.Single(readSpans, s => s.Name == "SELECT Resources");
        Assert.Equal(Assert.Single(readSpans, s => s.Name == "read_resource").SpanId, select.ParentSpanId);
        Assert.Equal(ActivityKind.Client, select.Kind);
        Assert.Equal("sqlite", select.Attributes["db.system.name"]);
        Assert.Equal("SELECT", select.Attributes["db.operation.name"]);
        Assert.Equal("Resources", select.Attributes["db.collection.name"]);

        // Update: every statement of a write reports its own client span, named and tagged as the create's.
        var updateSpans = await receiver.WaitForSpansAsync(s => s.TraceId == updateTrace && s.Name == "UPDATE Resources", 1);
        var update = Assert.Single(updateSpans);
        Assert.Equal("CrudCqrs.Sqlite", update.ScopeName);
        Assert.Equal(ActivityKind.Client, update.Kind);
        Assert.Equal("sqlite", update.Attributes["db.system.name"]);
        Assert.Equal("UPDATE", update.Attributes["db.operation.name"]);
        Assert.Equal("Resources", update.Attributes["db.collection.name"]);
        Assert.Equal(Path.GetFileName(service.DatabasePath), update.Attributes["db.namespace"]);
        Assert.Equal(update.Attributes["db.namespace"], insert.Attributes["db.namespace"]);
        Assert.DoesNotContain(update.Attributes.Keys, key => key is "db.system" or "db.name" or "db.statement");

        // A self-dependency is a validation failure: an error span with the category and the exception.
        var rejected = await receiver.WaitForSpanAsync(s => s.TraceId == invalidTrace && s.Name == "update_resource");
        Assert.Equal(ActivityStatusCode.Error, rejected.StatusCode);
        Assert.Equal("validation", rejected.Attributes["error.type"]);
        Assert.Contains(rejected.Events, e => e.Name == "exception" && e.Attributes["exception.type"].Contains("ValidationException", StringComparison.Ordinal));

        // Logs: the operation lines, correlated with the trace, with their structured fields.
        var completed = await receiver.WaitForLogAsync(l => l.TraceId == createTrace && l.Attributes.TryGetValue("status", out var s) && s == "success");
        Assert.Equal("create", completed.Attributes["operation.type"]);
        Assert.Equal(id, completed.Attributes["resource.id"]);
        Assert.True(double.TryParse(completed.Attributes["duration_ms"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal(operation.SpanId, completed.SpanId);
        var rejectedLog = await receiver.WaitForLogAsync(l => l.TraceId == invalidTrace && l.Attributes.ContainsKey("error.type"));
        // A refusal is an outcome (docs/logging-reference.md): information level, its category and message.
        Assert.Equal(LogLevel.Information, rejectedLog.Level);
        Assert.Equal("validation", rejectedLog.Attributes["error.type"]);
        Assert.Contains("dependencies", rejectedLog.Attributes["error.message"], StringComparison.Ordinal);

        // Metrics arrive too (the receiver exposes only that a service sent them).
        await receiver.WaitForResourceAsync(r => r.Name == serviceName && r.HasMetrics && r.HasTraces && r.HasLogs);
    }

    /// <summary>
    /// In a process of its own: EF Core's spans are only reliably there with one host per process
    /// (see <c>PipelinePropertyTests</c>), and the key's lookup is one of them.
    /// </summary>
    [SkippableFact]
    public async Task A_keyed_writes_lookup_is_a_database_span_of_its_operation_for_the_first_request_and_its_replay()
    {
        Skip.If(receiver.SkipReason is not null, receiver.SkipReason);
        var serviceName = $"keyed-{Guid.NewGuid():N}"[..24];
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__ServiceName"] = serviceName,
            ["Observability__OtlpEndpoint"] = receiver.GrpcEndpoint.ToString(),
        });
        var key = "otlp-" + Guid.NewGuid().ToString("N");
        var traces = new List<string>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/resources") { Content = JsonContent.Create(new { name = "keyed" }) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await service.Client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            traces.Add(response.Headers.GetValues("X-Trace-Id").Single());
        }

        foreach (var (trace, replayed) in traces.Zip(["false", "true"]))
        {
            var operation = await receiver.WaitForSpanAsync(s => s.TraceId == trace && s.Name == "create_resource");
            Assert.Equal(replayed, operation.Attributes["idempotency.replayed"]);
            var lookup = await receiver.WaitForSpanAsync(s => s.TraceId == trace && s.Name == "SELECT IdempotencyKeys");
            Assert.Equal(operation.SpanId, lookup.ParentSpanId);
            Assert.Equal(ActivityKind.Client, lookup.Kind);
            Assert.Equal("IdempotencyKeys", lookup.Attributes["db.collection.name"]);
        }
    }

    [SkippableFact]
    public async Task The_last_request_before_sigterm_is_flushed_not_lost()
    {
        Skip.If(receiver.SkipReason is not null, receiver.SkipReason);
        var serviceName = $"flush-{Guid.NewGuid():N}"[..24];
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__ServiceName"] = serviceName,
            ["Observability__OtlpEndpoint"] = receiver.GrpcEndpoint.ToString(),
        });

        var created = await service.Client.PostAsJsonAsync("/api/resources", new { name = "last words" });
        var trace = created.Headers.GetValues("X-Trace-Id").Single();
        // Straight away, well inside the exporters' 5 s batch delay: only the shutdown flush can deliver these.
        var stopped = Stopwatch.StartNew();
        Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(30)));
        stopped.Stop();

        await receiver.WaitForSpanAsync(s => s.TraceId == trace && s.Name == "create_resource");
        await receiver.WaitForLogAsync(l => l.TraceId == trace && l.Attributes.TryGetValue("status", out var s) && s == "success");
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(20), $"shutdown took {stopped.Elapsed}");
        // A clean shutdown: no error, and the final collection (the stored-count gauge included) makes the SDK warn about nothing.
        var warnings = service.Stdout.Where(line => line.Contains("\"level\":\"ERROR\"", StringComparison.Ordinal)
            || (line.Contains("\"level\":\"WARN\"", StringComparison.Ordinal) && line.Contains("\"logger\":\"CrudCqrs.Telemetry\"", StringComparison.Ordinal))).ToList();
        Assert.True(warnings.Count == 0, string.Join(Environment.NewLine, warnings));
    }
}

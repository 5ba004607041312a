using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.IntegrationTests.Pipeline;

/// <summary>
/// <c>Idempotency-Key</c> inside the operation, on the real host: the key's lookup happens under the
/// operation span, for the first request and for its replay; the replay's operation says it was
/// replayed, in its span, its outcome line and its metrics, and writes nothing. That the lookup's
/// database span is there is checked with one host per process, in <c>OtlpExportTests</c>.
/// </summary>
public sealed class IdempotencyTelemetryTests(TelemetryCapturingService app) : IClassFixture<TelemetryCapturingService>
{
    private const string Header = "Idempotency-Key";

    [Fact]
    public async Task A_keyed_create_and_its_replay_look_the_key_up_inside_their_operation_and_the_replay_says_so()
    {
        using var client = app.CreateClient();
        var key = "obs-" + Guid.NewGuid().ToString("N");
        var before = app.CollectMetrics();

        var first = await PostKeyedAsync(client, key, "keyed " + key);
        var again = await PostKeyedAsync(client, key, "keyed " + key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());

        var firstOperation = OperationSpan(first, "create_resource");
        Assert.Equal(false, firstOperation.GetTagItem("idempotency.replayed"));
        AssertDatabaseSpansInside(firstOperation);

        var replayOperation = OperationSpan(again, "create_resource");
        Assert.Equal(true, replayOperation.GetTagItem("idempotency.replayed"));
        Assert.Equal(ActivityStatusCode.Ok, replayOperation.Status);
        AssertDatabaseSpansInside(replayOperation);
        Assert.DoesNotContain(SpansOf(replayOperation.TraceId), s => s.GetTagItem("db.operation.name") is "INSERT" or "UPDATE" or "DELETE");

        var replayLines = OperationLines(replayOperation.TraceId);
        Assert.Equal(["OperationStarted", "OperationReplayed"], replayLines.Select(l => l.EventId.Name));
        Assert.Equal("replayed", replayLines[1].Attributes!.Single(a => a.Key == "status").Value);
        Assert.Equal("OperationCompleted", OperationLines(firstOperation.TraceId).Last().EventId.Name);

        var after = app.CollectMetrics();
        long Delta(string status) =>
            MetricTotals.Sum(after, "crud.operation.count", ("operation.type", "create"), ("status", status))
            - MetricTotals.Sum(before, "crud.operation.count", ("operation.type", "create"), ("status", status));
        Assert.Equal(1, Delta("success"));
        Assert.Equal(1, Delta("replayed"));
        Assert.Equal(0, Delta("error"));
    }

    [Fact]
    public async Task An_unkeyed_write_has_no_lookup_and_no_replay_attribute()
    {
        using var client = app.CreateClient();

        var created = await client.PostAsJsonAsync("/api/resources", new { name = "unkeyed" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var operation = OperationSpan(created, "create_resource");
        Assert.Null(operation.GetTagItem("idempotency.replayed"));
        Assert.DoesNotContain(SpansOf(operation.TraceId), s => s.DisplayName == "SELECT IdempotencyKeys");
    }

    [Fact]
    public async Task A_key_reused_for_another_request_is_a_refused_operation_after_its_lookup()
    {
        using var client = app.CreateClient();
        var key = "obs-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.Created, (await PostKeyedAsync(client, key, "first " + key)).StatusCode);

        var other = await PostKeyedAsync(client, key, "second " + key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        var operation = OperationSpan(other, "create_resource");
        Assert.Equal("validation", operation.GetTagItem("error.type"));
        Assert.Null(operation.GetTagItem("idempotency.replayed"));
        AssertDatabaseSpansInside(operation);
        Assert.Equal("OperationRejected", OperationLines(operation.TraceId).Last().EventId.Name);
    }

    private static Task<HttpResponseMessage> PostKeyedAsync(HttpClient client, string key, string name)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/resources") { Content = JsonContent.Create(new { name }) };
        request.Headers.Add(Header, key);
        return client.SendAsync(request);
    }

    private Activity[] SpansOf(ActivityTraceId traceId) => app.Spans.Snapshot().Where(s => s.TraceId == traceId).ToArray();

    /// <summary>The operation span ends, and is exported, before the action's answer is written.</summary>
    private Activity OperationSpan(HttpResponseMessage response, string name)
    {
        var traceId = ActivityTraceId.CreateFromString(response.Headers.GetValues("X-Trace-Id").Single());
        return Assert.Single(SpansOf(traceId), s => s.DisplayName == name);
    }

    /// <summary>
    /// Every database span of the request's trace, the key's lookup among them, lies under the
    /// operation span. Whether EF Core's spans are there at all is checked in a process of its own
    /// (<c>OtlpExportTests</c>): with several hosts in one process, hosts of earlier test classes can
    /// end the EF Core instrumentation's shared subscription (see <c>PipelinePropertyTests</c>).
    /// </summary>
    private void AssertDatabaseSpansInside(Activity operation)
    {
        var spans = SpansOf(operation.TraceId);
        var bySpanId = spans.ToDictionary(s => s.SpanId);
        foreach (var database in spans.Where(s => s.Kind == ActivityKind.Client))
        {
            var ancestor = database;
            while (ancestor.SpanId != operation.SpanId)
            {
                Assert.True(bySpanId.TryGetValue(ancestor.ParentSpanId, out var parent),
                    $"{database.DisplayName} is not inside {operation.DisplayName}: its ancestry stops at {ancestor.DisplayName}.");
                ancestor = parent;
            }
        }
    }

    private OpenTelemetry.Logs.LogRecord[] OperationLines(ActivityTraceId traceId) =>
        app.Logs.Snapshot()
            .Where(l => l.TraceId == traceId && l.CategoryName?.Contains("LoggingBehavior", StringComparison.Ordinal) == true)
            .ToArray();
}

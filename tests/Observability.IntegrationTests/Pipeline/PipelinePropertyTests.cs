using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using CrudCqrs.TestSupport;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;

namespace CrudCqrs.Observability.IntegrationTests.Pipeline;

/// <summary>
/// Properties 1–20 of docs/observability-properties.md over random sequences of operations against the real host:
/// every request is checked span by span and log by log against what its HTTP answer says
/// happened, and the metrics are checked against the whole sequence.
/// </summary>
public sealed class PipelinePropertyTests(TelemetryCapturingService app) : IClassFixture<TelemetryCapturingService>
{
    public abstract record Op;
    public sealed record Create(string Name, int[] DependencyPicks) : Op;
    public sealed record CreateInvalid(bool BlankName) : Op;
    public sealed record Read(int Pick, bool Exists) : Op;
    public sealed record Update(int Pick, int[] DependencyPicks, bool StaleETag) : Op;
    public sealed record Delete(int Pick, bool Cascade, bool Exists) : Op;
    public sealed record Search(string Text) : Op;
    public sealed record List(int Offset, int Limit) : Op;

    private static readonly Gen<int[]> Picks = Gen.Int[0, 50].Array[0, 3];
    private static readonly Gen<Op> AnyOp = Gen.Frequency(
        (5, Gen.Select(Gen.String[Gen.Char["abcXYZ %_.*"], 1, 12], Picks, (n, p) => (Op)new Create(n, p))),
        (1, Gen.Bool.Select(b => (Op)new CreateInvalid(b))),
        (2, Gen.Select(Gen.Int[0, 50], Gen.Bool, (p, e) => (Op)new Read(p, e))),
        (3, Gen.Select(Gen.Int[0, 50], Picks, Gen.Bool, (p, d, s) => (Op)new Update(p, d, s))),
        (2, Gen.Select(Gen.Int[0, 50], Gen.Bool, Gen.Bool, (p, c, e) => (Op)new Delete(p, c, e))),
        (1, Gen.String[Gen.Char["abcXYZ"], 0, 3].Select(t => (Op)new Search(t))),
        (1, Gen.Select(Gen.Int[0, 20], Gen.Int[1, 50], (o, l) => (Op)new List(o, l))));

    private sealed record Outcome(Op Op, string OperationName, string OperationType, HttpStatusCode Status, string? ErrorType, ActivityTraceId TraceId, string? ResourceId, int Deleted);

    [Fact]
    public void Every_operation_is_traced_measured_and_logged_as_its_answer_says()
    {
        AnyOp.Array[1, 25].Sample(ops => Task.Run(() => RunAndCheckAsync(ops)).GetAwaiter().GetResult(), iter: 20, threads: 1);
    }

    private async Task RunAndCheckAsync(Op[] ops)
    {
        using var client = app.CreateClient();
        var before = app.CollectMetrics();
        var outcomes = new List<Outcome>();
        foreach (var op in ops)
        {
            outcomes.Add(await ExecuteAsync(client, op));
        }

        foreach (var outcome in outcomes)
        {
            await WaitForServerSpanAsync(outcome.TraceId);
            CheckTrace(outcome);
            CheckLogs(outcome);
        }
        await CheckMetricsAsync(client, before, app.CollectMetrics(), outcomes);
    }

    private async Task<Outcome> ExecuteAsync(HttpClient client, Op op)
    {
        var ids = await ExistingIdsAsync();
        string Pick(int i) => ids.Length == 0 ? Guid.NewGuid().ToString() : ids[i % ids.Length];
        string[] PickMany(int[] picks) => picks.Select(Pick).Distinct().ToArray();

        HttpResponseMessage response;
        string name, type;
        string? resourceId = null;
        switch (op)
        {
            case Create c:
                (name, type) = ("create_resource", "create");
                response = await client.PostAsJsonAsync("/api/resources", new { name = c.Name, dependencies = ids.Length == 0 ? [] : PickMany(c.DependencyPicks) });
                break;
            case CreateInvalid c:
                (name, type) = ("create_resource", "create");
                response = await client.PostAsJsonAsync("/api/resources", c.BlankName
                    ? new { name = "   ", dependencies = Array.Empty<string>() }
                    : new { name = "ok", dependencies = new[] { Guid.NewGuid().ToString() } });
                break;
            case Read r:
                (name, type) = ("read_resource", "read");
                resourceId = r.Exists ? Pick(r.Pick) : Guid.NewGuid().ToString();
                response = await client.GetAsync($"/api/resources/{resourceId}");
                break;
            case Update u:
            {
                (name, type) = ("update_resource", "update");
                resourceId = Pick(u.Pick);
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/resources/{resourceId}")
                {
                    Content = JsonContent.Create(new { dependencies = PickMany(u.DependencyPicks).Where(d => d != resourceId).ToArray() }),
                };
                if (u.StaleETag)
                {
                    request.Headers.TryAddWithoutValidation("If-Match", "\"999999\"");
                }
                response = await client.SendAsync(request);
                break;
            }
            case Delete d:
                (name, type) = ("delete_resource", "delete");
                resourceId = d.Exists ? Pick(d.Pick) : Guid.NewGuid().ToString();
                response = await client.DeleteAsync($"/api/resources/{resourceId}?cascade={(d.Cascade ? "true" : "false")}");
                break;
            case Search s:
                (name, type) = ("search_resources", "search");
                response = await client.GetAsync($"/api/search?q={Uri.EscapeDataString(s.Text)}");
                break;
            case List l:
                (name, type) = ("list_resources", "list");
                response = await client.GetAsync($"/api/resources?offset={l.Offset}&limit={l.Limit}");
                break;
            default:
                throw new InvalidOperationException(op.ToString());
        }

        var traceId = ActivityTraceId.CreateFromString(response.Headers.GetValues("X-Trace-Id").Single());
        string? errorType = null;
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            errorType = problem.GetProperty("error").GetString() switch
            {
                "ValidationError" => ErrorTypes.Validation,
                "NotFoundError" => ErrorTypes.NotFound,
                "CircularDependencyError" => ErrorTypes.CircularDependency,
                "PreconditionFailed" => ErrorTypes.PreconditionFailed,
                var other => throw new Xunit.Sdk.XunitException($"{op} answered {(int)response.StatusCode} {other}"),
            };
        }
        else if (op is Create)
        {
            resourceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        }

        var deleted = 0;
        if (op is Delete && response.StatusCode == HttpStatusCode.NoContent)
        {
            var span = SpansOf(traceId).Single(s => s.DisplayName == "delete_resource");
            deleted = Convert.ToInt32(span.GetTagItem("resource.deleted_count"));
        }
        return new Outcome(op, name, type, response.StatusCode, errorType, traceId, resourceId, deleted);
    }

    /// <summary>The client can read the answer a moment before the server's request span ends and is exported.</summary>
    private async Task WaitForServerSpanAsync(ActivityTraceId traceId)
    {
        for (var attempt = 0; attempt < 100 && !SpansOf(traceId).Any(s => s.Kind == ActivityKind.Server); attempt++)
        {
            await Task.Delay(20);
        }
    }

    private Activity[] SpansOf(ActivityTraceId traceId) => app.Spans.Snapshot().Where(s => s.TraceId == traceId).ToArray();

    private void CheckTrace(Outcome outcome)
    {
        var spans = SpansOf(outcome.TraceId);
        // Properties 7, 13, 14: one operation span, inside the automatic HTTP server span.
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        var operation = Assert.Single(spans, s => s.Source.Name == CrudTelemetry.SourceName && s.DisplayName == outcome.OperationName);
        Assert.Equal(server.SpanId, operation.ParentSpanId);
        Assert.NotNull(server.GetTagItem("http.request.method"));
        Assert.Equal((int)outcome.Status, Convert.ToInt32(server.GetTagItem("http.response.status_code")));
        // The matched route names the span, failures included (the exception handler clears the endpoint).
        var route = Assert.IsType<string>(server.GetTagItem("http.route"));
        Assert.Equal($"{server.GetTagItem("http.request.method")} {route}", server.DisplayName);

        // Property 8: operation type, database type and, where the request names one, the resource id.
        Assert.Equal(outcome.OperationType, operation.GetTagItem("operation.type"));
        Assert.Equal("sqlite", operation.GetTagItem("store.type"));
        if (outcome.ResourceId is not null && outcome.ErrorType != ErrorTypes.Validation)
        {
            Assert.Equal(outcome.ResourceId, operation.GetTagItem("resource.id"));
        }

        // Properties 10, 11: closed with a final status; failures marked with their category and exception.
        if (outcome.ErrorType is null)
        {
            Assert.Equal(ActivityStatusCode.Ok, operation.Status);
        }
        else
        {
            Assert.Equal(ActivityStatusCode.Error, operation.Status);
            Assert.Equal(outcome.ErrorType, operation.GetTagItem("error.type"));
            Assert.Contains(operation.Events, e => e.Name == "exception");
        }

        // Properties 9, 12: step spans hang under the operation span, database client spans under
        // the operation or one of its steps; only client spans carry the database conventions' attributes.
        var ownIds = new HashSet<ActivitySpanId> { operation.SpanId };
        foreach (var span in spans.Where(s => s.Source.Name == CrudTelemetry.SourceName && s != operation).OrderBy(s => s.StartTimeUtc))
        {
            Assert.True(ownIds.Contains(span.ParentSpanId), $"{span.DisplayName} is not under {outcome.OperationName}");
            Assert.DoesNotContain(span.TagObjects, tag => tag.Key.StartsWith("db.", StringComparison.Ordinal));
            ownIds.Add(span.SpanId);
        }
        // EF Core's spans, where present, obey the same rule. Their presence is asserted against a
        // real single-host process in OtlpExportTests: the EF Core instrumentation's subscription is
        // shared per process, and hosts of earlier test classes in this process can end it, which no
        // deployment (one host per process) does.
        var databaseSpans = spans.Where(s => s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal)
            || s.Source.Name == SqliteSession.ActivitySourceName).ToArray();
        if (outcome.Op is Read && outcome.ErrorType is null or ErrorTypes.NotFound)
        {
            // The read path's own span is emitted by this process's code, so it is always there.
            Assert.Single(databaseSpans, s => s.Source.Name == SqliteSession.ActivitySourceName);
        }
        Assert.All(databaseSpans, s =>
        {
            Assert.Contains(s.ParentSpanId, ownIds);
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal("sqlite", s.GetTagItem("db.system.name"));
        });
        if (outcome.Op is Create or CreateInvalid or Update or Search or List)
        {
            Assert.Single(spans, s => s.DisplayName == "validation" && s.ParentSpanId == operation.SpanId);
        }
        if (outcome.ErrorType == ErrorTypes.CircularDependency)
        {
            Assert.Single(spans, s => s.DisplayName == "cycle_check");
        }
    }

    private void CheckLogs(Outcome outcome)
    {
        var logs = app.Logs.Snapshot().Where(l => l.TraceId == outcome.TraceId && l.CategoryName?.Contains("LoggingBehavior", StringComparison.Ordinal) == true).ToArray();
        // Properties 15–19: a start line and one outcome line, correlated, with the operation's fields.
        var start = Assert.Single(logs, l => l.EventId.Name == "OperationStarted");
        var end = Assert.Single(logs, l => l.EventId.Name is "OperationCompleted" or "OperationRejected" or "OperationFailed");
        Assert.Equal(outcome.OperationType, Field(start, "operation.type"));
        Assert.NotEqual(default, start.SpanId);
        Assert.Equal(outcome.OperationType, Field(end, "operation.type"));
        Assert.IsType<double>(Field(end, "duration_ms"));
        Assert.Equal(outcome.ErrorType is null ? "success" : "error", Field(end, "status"));
        if (outcome.ErrorType is null)
        {
            Assert.Null(end.Exception);
        }
        else if ((int)outcome.Status < 500)
        {
            // Property 19: a refusal is an outcome, logged with its category and message, no exception.
            Assert.Equal("OperationRejected", end.EventId.Name);
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, end.LogLevel);
            Assert.Equal(outcome.ErrorType, Field(end, "error.type"));
            Assert.False(string.IsNullOrWhiteSpace(Field(end, "error.message") as string));
            Assert.Null(end.Exception);
            // Nor does any other line of the request (exception handler, framework) carry one.
            Assert.All(app.Logs.Snapshot().Where(l => l.TraceId == outcome.TraceId), l => Assert.Null(l.Exception));
        }
        else
        {
            // Property 19: a failure keeps the exception with its stack trace.
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, end.LogLevel);
            Assert.Equal(outcome.ErrorType, Field(end, "error.type"));
            Assert.NotNull(end.Exception);
            Assert.NotNull(end.Exception!.StackTrace);
        }
        if (outcome.ResourceId is not null && outcome.ErrorType != ErrorTypes.Validation)
        {
            Assert.Equal(outcome.ResourceId, Field(end, "resource.id"));
        }
    }

    private static object? Field(LogRecord record, string key) =>
        record.Attributes?.FirstOrDefault(a => a.Key == key).Value;

    private static async Task CheckMetricsAsync(HttpClient client, IReadOnlyList<OpenTelemetry.Metrics.MetricSnapshot> before, IReadOnlyList<OpenTelemetry.Metrics.MetricSnapshot> after, List<Outcome> outcomes)
    {
        long Delta(string name, params (string, object)[] tags) => MetricTotals.Sum(after, name, tags) - MetricTotals.Sum(before, name, tags);

        foreach (var group in outcomes.GroupBy(o => (o.OperationType, o.ErrorType)))
        {
            var (type, error) = group.Key;
            var status = error is null ? "success" : "error";
            (string, object)[] tags = error is null
                ? [("operation.type", type), ("db.type", "sqlite"), ("status", status)]
                : [("operation.type", type), ("db.type", "sqlite"), ("status", status), ("error.type", error)];
            // Properties 1–4.
            Assert.Equal(group.Count(), Delta("crud.operation.count", tags));
            if (error is not null)
            {
                Assert.Equal(group.Count(), Delta("crud.operation.errors", ("operation.type", type), ("db.type", "sqlite"), ("error.type", error)));
            }
        }
        foreach (var group in outcomes.GroupBy(o => (o.OperationType, Status: o.ErrorType is null ? "success" : "error")))
        {
            Assert.Equal(group.Count(), Delta("crud.operation.duration", ("operation.type", group.Key.OperationType), ("status", group.Key.Status)));
        }

        // Properties 5, 6: the resource total follows creates and deletes and equals the store; cascades are recorded.
        var stored = await client.GetAsync("/api/resources?limit=1");
        Assert.Equal(long.Parse(stored.Headers.GetValues("X-Total-Count").Single()), MetricTotals.Sum(after, "crud.resources.total", ("db.type", "sqlite")));
        var expectedChange = outcomes.Count(o => o.Op is Create && o.ErrorType is null) - outcomes.Sum(o => o.Deleted);
        Assert.Equal(expectedChange, Delta("crud.resources.total"));
        Assert.Equal(outcomes.Count(o => o.Op is Delete { Cascade: true } && o.ErrorType is null), Delta("crud.cascade.delete.count"));
    }

    /// <summary>Straight from the store, so that picking ids adds no operations of its own to the metrics.</summary>
    private async Task<string[]> ExistingIdsAsync()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrudCqrs.Infrastructure.Persistence.Sqlite.ResourceDbContext>();
        return await db.Resources.OrderBy(r => r.CreatedAt).Select(r => r.Id).ToArrayAsync();
    }
}

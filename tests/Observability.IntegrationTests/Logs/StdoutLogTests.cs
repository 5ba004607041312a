using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.IntegrationTests.Logs;

/// <summary>Property 20 of docs/observability-properties.md and the logging contract, read from the stdout of the real process.</summary>
public sealed partial class StdoutLogTests
{
    [Fact]
    public async Task Every_stdout_line_is_one_json_object_with_the_contract_fields_and_the_last_lines_survive_shutdown()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__ServiceName"] = "log-test-service",
        });

        var created = await service.Client.PostAsJsonAsync("/api/resources", new { name = "logged" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var createTrace = created.Headers.GetValues("X-Trace-Id").Single();
        var missing = await service.Client.GetAsync($"/api/resources/{Guid.NewGuid()}");
        var missingTrace = missing.Headers.GetValues("X-Trace-Id").Single();
        // Each '<' is logged escaped as %3C: 20,000 of them made every line of the request 60 KB.
        var longPath = await service.Client.GetAsync("/api/resources/" + new string('<', 20_000));
        Assert.Equal(HttpStatusCode.NotFound, longPath.StatusCode);
        // The very last request before SIGTERM: its lines must not be lost in the shutdown.
        var last = await service.Client.GetAsync($"/api/resources/{id}");
        var lastTrace = last.Headers.GetValues("X-Trace-Id").Single();
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(30)));

        var lines = service.Stdout.Where(l => l.Length > 0).ToArray();
        Assert.NotEmpty(lines);
        var entries = lines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            return document.RootElement.Clone();
        }).ToArray();

        Assert.All(lines, line => Assert.True(line.Length < 4_096, $"a {line.Length}-character line: {line[..Math.Min(200, line.Length)]}…"));
        Assert.Contains(entries, e => e.TryGetProperty("RequestPath", out var path) && path.GetString()!.StartsWith("/api/resources/%3C", StringComparison.Ordinal));
        foreach (var entry in entries)
        {
            Assert.Matches(IsoUtc(), entry.GetProperty("timestamp").GetString());
            Assert.Contains(entry.GetProperty("level").GetString(), new[] { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" });
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("message").GetString()));
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("logger").GetString()));
            Assert.Equal("log-test-service", entry.GetProperty("service.name").GetString());
        }

        var created_ = OperationLines(entries, createTrace);
        var completed = Assert.Single(created_, e => e.TryGetProperty("status", out var status) && status.GetString() == "success");
        Assert.Equal("create", completed.GetProperty("operation.type").GetString());
        Assert.Equal(id, completed.GetProperty("resource.id").GetString());
        Assert.Equal(JsonValueKind.Number, completed.GetProperty("duration_ms").ValueKind);
        Assert.Matches("^[0-9a-f]{16}$", completed.GetProperty("span_id").GetString());

        var rejected = Assert.Single(OperationLines(entries, missingTrace), e => e.TryGetProperty("error.type", out _));
        // A refusal is an outcome: its category and message, no exception (docs/logging-reference.md).
        Assert.Equal("INFO", rejected.GetProperty("level").GetString());
        Assert.Equal("not_found", rejected.GetProperty("error.type").GetString());
        Assert.Equal("error", rejected.GetProperty("status").GetString());
        Assert.Contains("was not found", rejected.GetProperty("error.message").GetString());
        Assert.False(rejected.TryGetProperty("exception", out _));

        Assert.Contains(OperationLines(entries, lastTrace), e => e.TryGetProperty("status", out var s) && s.GetString() == "success");
        Assert.Contains(entries, e => e.GetProperty("message").GetString()!.Contains("OTLP export of traces, metrics, logs: grpc to http://127.0.0.1:9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Text_format_gives_readable_lines()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?> { ["Logging__Format"] = "text" });
        var created = await service.Client.PostAsJsonAsync("/api/resources", new { name = "readable" });
        var trace = created.Headers.GetValues("X-Trace-Id").Single();
        await service.StopAsync(TimeSpan.FromSeconds(30));

        var lines = service.Stdout.Where(l => l.Length > 0).ToArray();
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith('{'));
        Assert.Contains(lines, l => l.Contains("Operation create", StringComparison.Ordinal) && l.Contains(trace, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("The store holds 0 resources", StringComparison.Ordinal));

        // Started again on the same file, it counts the one resource in the singular.
        await using var again = await ServiceProcess.StartAsync(new ServiceOptions
        {
            Settings = new Dictionary<string, string?> { ["Logging__Format"] = "text" },
            DatabasePath = service.DatabasePath,
        });
        await again.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(again.Stdout, l => l.EndsWith("The store holds 1 resource", StringComparison.Ordinal));
    }

    /// <summary>
    /// What a newcomer reads with no collector running: refused requests and failing exports say
    /// what happened in one line each, with no stack trace, and the start-up lines read cleanly.
    /// </summary>
    [Fact]
    public async Task A_newcomer_without_a_collector_reads_one_line_per_refusal_and_per_export_report()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?> { ["Logging__Format"] = "text" });
        var refusals = new[]
        {
            await service.Client.GetAsync($"/api/resources/{Guid.NewGuid()}"),
            await service.Client.GetAsync("/api/resources/" + new string('x', 20_000) + "%0d%0aFAKE"),
            await service.Client.PostAsJsonAsync("/api/resources", new { name = "" }),
            await service.Client.PostAsJsonAsync("/api/resources", new { name = "a", dependencies = new[] { Guid.NewGuid() } }),
        };
        await service.Client.GetAsync("/api/resources?limit=5");
        Assert.All(refusals, r => Assert.InRange((int)r.StatusCode, 400, 499));
        // Spans and logs are exported in batches every 5 s; the first report follows the first failure.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !service.Stdout.Any(l => l.Contains("OTLP export to", StringComparison.Ordinal)))
        {
            await Task.Delay(250);
        }
        await service.StopAsync(TimeSpan.FromSeconds(30));

        var lines = service.Stdout.Where(l => l.Length > 0).ToArray();
        Assert.DoesNotContain(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("(null)", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Telemetry: Telemetry:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(" ;", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("FAKE", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length < 1000, l));
        Assert.Contains(lines, l => l.Contains("Operation read on an unparsable id", StringComparison.Ordinal));

        var reports = lines.Where(l => l.Contains("OTLP export to", StringComparison.Ordinal)).ToArray();
        var report = Assert.Single(reports);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} WARN  Telemetry: OTLP export to http://127\.0\.0\.1:9 failing for [a-z, ]+ \(\d+ failures? in the last \d+ s\): .+\. "
            + @"Telemetry is dropped; requests are unaffected\. Set Observability__Enabled=false to stop exporting, or Observability__OtlpEndpoint to point it elsewhere\.$", report);
        Assert.DoesNotContain("(1 failures", report);
    }

    [Fact]
    public async Task A_bad_observability_setting_is_logged_by_key_and_degrades_readiness_without_stopping_the_service()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__TracesSampleRate"] = "7",
            ["Observability__OtlpMetricsEndpoint"] = "not a url",
        });

        var created = await service.Client.PostAsJsonAsync("/api/resources", new { name = "still works" });
        var ready = await service.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        await service.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Contains("Observability__TracesSampleRate", ready.GetProperty("checks").GetProperty("observability").GetProperty("description").GetString());
        var errors = service.Stdout.Where(l => l.Contains("\"level\":\"ERROR\"", StringComparison.Ordinal)).ToArray();
        Assert.Contains(errors, l => l.Contains("Observability__TracesSampleRate", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("Observability__OtlpMetricsEndpoint", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Database__Provider", "Oracle", "Database__Provider")]
    [InlineData("ConnectionStrings__Sqlite", "Data Source", "ConnectionStrings__Sqlite")]
    public async Task A_database_setting_that_cannot_work_stops_the_start_with_one_line_naming_the_key(string key, string value, string named)
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?> { [key] = value }, Readiness.None);
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(service.Stderr, l => l.Length > 0);
        Assert.Contains(named, line);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain("Exception:", line);
    }

    private static JsonElement[] OperationLines(IEnumerable<JsonElement> entries, string traceId) =>
        entries.Where(e => e.TryGetProperty("trace_id", out var t) && t.GetString() == traceId && e.TryGetProperty("operation.type", out _)).ToArray();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoUtc();
}

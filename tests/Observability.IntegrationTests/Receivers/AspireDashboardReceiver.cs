using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrudCqrs.TestSupport;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Observability.IntegrationTests.Receivers;

/// <summary>
/// A real OTLP receiver for tests: the standalone Aspire Dashboard (NuGet package
/// Aspire.Dashboard.Sdk.linux-x64) started as a child process, unsecured, on ports the OS picks.
/// It accepts OTLP over gRPC (<see cref="GrpcEndpoint"/>) and HTTP/protobuf
/// (<see cref="HttpEndpoint"/>, signals under /v1/traces, /v1/logs, /v1/metrics) and is read back
/// through the dashboard's JSON API (/api/telemetry/spans, /logs, /resources).
/// Share one instance per collection (<see cref="AspireDashboardCollection"/>): it holds everything
/// every test sent, so filter by trace id or by a service name unique to the test.
/// When the binary is missing or cannot start, <see cref="SkipReason"/> says why.
/// </summary>
public sealed partial class AspireDashboardReceiver : IAsyncLifetime, IDisposable
{
    /// <summary>Environment variable that points at another Aspire.Dashboard executable.</summary>
    public const string PathVariable = "ASPIRE_DASHBOARD_PATH";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    // The API returns at most `limit` items (default 200); ask for more than the dashboard keeps.
    private const int ReadLimit = 100_000;

    private ChildProcess? _process;
    private string? _tempDirectory;
    private HttpClient? _api;
    private int _disposed;

    public string? SkipReason { get; private set; }

    /// <summary>When set, the OTLP endpoints accept only requests with this <c>x-otlp-api-key</c> header.</summary>
    public string? OtlpApiKey { get; init; }

    /// <summary>OTLP/gRPC endpoint, e.g. http://127.0.0.1:41234 (set as the exporter's Endpoint as is).</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>OTLP/HTTP base address; the exporter needs the signal path appended (see HttpTracesEndpoint...).</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>The dashboard UI and JSON API.</summary>
    public Uri UiEndpoint { get; private set; } = null!;

    public Uri HttpTracesEndpoint => new(HttpEndpoint, "v1/traces");
    public Uri HttpLogsEndpoint => new(HttpEndpoint, "v1/logs");
    public Uri HttpMetricsEndpoint => new(HttpEndpoint, "v1/metrics");

    /// <summary>What the dashboard printed so far, for failure messages.</summary>
    public string Output => _process is null ? "" : string.Join(Environment.NewLine, _process.Output);

    public async Task InitializeAsync()
    {
        var executable = LocateExecutable(out var reason);
        if (executable is null)
        {
            SkipReason = reason;
            return;
        }

        try
        {
            await StartAsync(executable);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            SkipReason = $"Aspire Dashboard at {executable} did not start: {exception.Message}{Environment.NewLine}{Output}";
            Dispose();
        }
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _api?.Dispose();
        _process?.Dispose();

        // The dashboard keeps its SQLite store under TMPDIR, which points here; a killed process
        // cannot clean it up itself.
        if (_tempDirectory is not null)
        {
            try
            {
                Directory.Delete(_tempDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public async Task<IReadOnlyList<ReceivedSpan>> GetSpansAsync(string? traceId = null, CancellationToken cancellationToken = default)
    {
        var query = $"api/telemetry/spans?limit={ReadLimit}" + (traceId is null ? "" : $"&traceId={Uri.EscapeDataString(traceId)}");
        using var document = await GetJsonAsync(query, cancellationToken);
        return OtlpJson.ReadSpans(document.RootElement);
    }

    public async Task<IReadOnlyList<ReceivedLog>> GetLogsAsync(string? traceId = null, CancellationToken cancellationToken = default)
    {
        var query = $"api/telemetry/logs?limit={ReadLimit}" + (traceId is null ? "" : $"&traceId={Uri.EscapeDataString(traceId)}");
        using var document = await GetJsonAsync(query, cancellationToken);
        return OtlpJson.ReadLogs(document.RootElement);
    }

    /// <summary>
    /// The services (OTLP resources) seen so far. The dashboard has no JSON API for metric values;
    /// <see cref="ReceivedResource.HasMetrics"/> is as far as tests can check metrics here.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedResource>> GetResourcesAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        var resources = await _api!.GetFromJsonAsync<List<ReceivedResource>>("api/telemetry/resources", OtlpJson.WebOptions, cancellationToken);
        return resources ?? [];
    }

    public async Task<ReceivedSpan> WaitForSpanAsync(Func<ReceivedSpan, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => (await WaitForSpansAsync(predicate, 1, timeout, cancellationToken))[0];

    /// <summary>Polls until at least <paramref name="count"/> spans match; returns all that match.</summary>
    public Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(Func<ReceivedSpan, bool> predicate, int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => WaitForAsync(ct => GetSpansAsync(cancellationToken: ct), predicate, count, "span", timeout, cancellationToken);

    public async Task<ReceivedLog> WaitForLogAsync(Func<ReceivedLog, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => (await WaitForLogsAsync(predicate, 1, timeout, cancellationToken))[0];

    public Task<IReadOnlyList<ReceivedLog>> WaitForLogsAsync(Func<ReceivedLog, bool> predicate, int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => WaitForAsync(ct => GetLogsAsync(cancellationToken: ct), predicate, count, "log record", timeout, cancellationToken);

    public async Task<ReceivedResource> WaitForResourceAsync(Func<ReceivedResource, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => (await WaitForAsync(GetResourcesAsync, predicate, 1, "resource", timeout, cancellationToken))[0];

    private async Task<IReadOnlyList<T>> WaitForAsync<T>(
        Func<CancellationToken, Task<IReadOnlyList<T>>> read,
        Func<T, bool> predicate,
        int count,
        string what,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? DefaultWaitTimeout).TotalSeconds * Stopwatch.Frequency);
        IReadOnlyList<T> seen;
        while (true)
        {
            seen = await read(cancellationToken);
            var matching = seen.Where(predicate).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                break;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        // Say what did arrive: the usual cause is a name or attribute that differs slightly.
        var arrived = string.Join(Environment.NewLine, seen.TakeLast(30).Select(item => "  " + item));
        throw new TimeoutException(
            $"Expected {count} matching {what}(s) within {timeout ?? DefaultWaitTimeout}; {seen.Count} arrived in all, the last ones:{Environment.NewLine}{arrived}");
    }

    private async Task<JsonDocument> GetJsonAsync(string relativeUri, CancellationToken cancellationToken)
    {
        EnsureStarted();
        using var response = await _api!.GetAsync(relativeUri, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }

    private void EnsureStarted()
    {
        if (SkipReason is not null)
        {
            throw new InvalidOperationException("The Aspire Dashboard is not running: " + SkipReason);
        }

        ObjectDisposedException.ThrowIf(_disposed == 1, this);
    }

    private static string? LocateExecutable(out string reason)
    {
        var configured = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            {
                reason = $"The Aspire Dashboard package referenced here is for linux-x64, this is {RuntimeInformation.RuntimeIdentifier}; set {PathVariable} to a dashboard executable for this platform.";
                return null;
            }

            configured = typeof(AspireDashboardReceiver).Assembly
                .GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(attribute => attribute.Key == "AspireDashboardPath")?.Value;
        }

        if (string.IsNullOrWhiteSpace(configured) || !File.Exists(configured))
        {
            reason = $"Aspire Dashboard executable not found at '{configured}': restore the test project (package Aspire.Dashboard.Sdk.linux-x64) or set {PathVariable}.";
            return null;
        }

        // NuGet sets the executable bit from the package's UnixFilePermissions.xml; older clients do not.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(configured);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                try
                {
                    File.SetUnixFileMode(configured, mode | UnixFileMode.UserExecute);
                }
                catch (UnauthorizedAccessException exception)
                {
                    reason = $"Aspire Dashboard at '{configured}' is not executable and cannot be made so: {exception.Message}";
                    return null;
                }
            }
        }

        reason = "";
        return configured;
    }

    private async Task StartAsync(string executable)
    {
        _tempDirectory = Directory.CreateTempSubdirectory("crudcqrs-aspire-dashboard-").FullName;

        // Settings of the test process that would change what the dashboard does (its own
        // OTLP export, auth, addresses): it gets only the ones below.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(key => key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPIRE_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("DASHBOARD__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_URLS", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(key => key, string? (_) => null);

        // Port 0 everywhere: Kestrel binds free ports and the dashboard prints the ones it got,
        // so parallel test runs never race for a port.
        environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:0";
        environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://127.0.0.1:0";
        // Frontend, OTLP and the telemetry API without keys or browser tokens. The shortcut sets
        // all three auth modes; the API's is named too because without it the API answers 401.
        if (OtlpApiKey is null)
        {
            environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        }
        else
        {
            // The shortcut would also open OTLP; here only the frontend and the API stay open.
            environment["Dashboard__Frontend__AuthMode"] = "Unsecured";
            environment["Dashboard__Otlp__AuthMode"] = "ApiKey";
            environment["Dashboard__Otlp__PrimaryApiKey"] = OtlpApiKey;
        }
        environment["Dashboard__Api__Enabled"] = "true";
        environment["Dashboard__Api__AuthMode"] = "Unsecured";
        environment["Dashboard__Otlp__SuppressUnsecuredTelemetryMessage"] = "true";
        environment["TMPDIR"] = _tempDirectory;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        _process = ChildProcess.Start(executable, [], Path.GetDirectoryName(executable)!, environment, name: "Aspire Dashboard");
        UiEndpoint = AnnouncedUri(await _process.WaitForLineAsync(UiListeningLine(), StartTimeout));
        GrpcEndpoint = new Uri(AnnouncedUri(await _process.WaitForLineAsync(GrpcListeningLine(), StartTimeout)).GetLeftPart(UriPartial.Authority));
        HttpEndpoint = AnnouncedUri(await _process.WaitForLineAsync(HttpListeningLine(), StartTimeout));

        _api = new HttpClient { BaseAddress = UiEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        // Answers 401 when the telemetry API is not enabled.
        await _process.WaitForHttpAsync(new Uri(UiEndpoint, "api/telemetry/spans?limit=1"), StartTimeout);
    }

    private static Uri AnnouncedUri(Match listening) => new(listening.Groups["url"].Value.TrimEnd('/') + "/");

    [GeneratedRegex(@"Now listening on: (?<url>\S+)")]
    private static partial Regex UiListeningLine();

    [GeneratedRegex(@"OTLP/gRPC listening on: (?<url>\S+)")]
    private static partial Regex GrpcListeningLine();

    [GeneratedRegex(@"OTLP/HTTP listening on: (?<url>\S+)")]
    private static partial Regex HttpListeningLine();
}
[CollectionDefinition(Name)]
public sealed class AspireDashboardCollection : ICollectionFixture<AspireDashboardReceiver>
{
    public const string Name = "Aspire Dashboard OTLP receiver";
}

/// <summary>
/// One span as the dashboard returns it. The dashboard stores attribute values as text, so an int
/// tag of 42 reads back as "42", a bool as "true", an array as JSON ("[\"a\",\"b\"]").
/// </summary>
public sealed record ReceivedSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    ActivityKind Kind,
    IReadOnlyDictionary<string, string> Attributes,
    ActivityStatusCode StatusCode,
    string? StatusMessage,
    IReadOnlyList<ReceivedSpanEvent> Events,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    string? ServiceName,
    string? ScopeName,
    IReadOnlyDictionary<string, string> ResourceAttributes)
{
    public TimeSpan Duration => EndTime - StartTime;

    public override string ToString() =>
        $"{ServiceName}/{ScopeName} '{Name}' trace={TraceId} span={SpanId} parent={ParentSpanId ?? "-"} status={StatusCode} [{OtlpJson.Describe(Attributes)}]";
}

public sealed record ReceivedSpanEvent(string Name, DateTimeOffset Timestamp, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// One log record as the dashboard returns it. The body is the formatted message when the exporter
/// sends it (OpenTelemetryLoggerOptions.IncludeFormattedMessage), else the message template.
/// Template arguments arrive as attributes (text values); the dashboard's own `aspire.log_id` is left out.
/// </summary>
public sealed record ReceivedLog(
    string? Body,
    int SeverityNumber,
    string? SeverityText,
    IReadOnlyDictionary<string, string> Attributes,
    string? TraceId,
    string? SpanId,
    DateTimeOffset Timestamp,
    string? ServiceName,
    string? ScopeName,
    IReadOnlyDictionary<string, string> ResourceAttributes)
{
    /// <summary>The Microsoft.Extensions.Logging level for the OTLP severity number (ranges of four).</summary>
    public LogLevel Level => SeverityNumber switch
    {
        >= 1 and <= 4 => LogLevel.Trace,
        >= 5 and <= 8 => LogLevel.Debug,
        >= 9 and <= 12 => LogLevel.Information,
        >= 13 and <= 16 => LogLevel.Warning,
        >= 17 and <= 20 => LogLevel.Error,
        >= 21 and <= 24 => LogLevel.Critical,
        _ => LogLevel.None,
    };

    public override string ToString() =>
        $"{ServiceName}/{ScopeName} {SeverityText} '{Body}' trace={TraceId ?? "-"} span={SpanId ?? "-"} [{OtlpJson.Describe(Attributes)}]";
}

/// <summary>A service seen by the dashboard: service.name, service.instance.id and which signals it sent.</summary>
public sealed record ReceivedResource(string Name, string? InstanceId, string? DisplayName, bool HasLogs, bool HasTraces, bool HasMetrics);

/// <summary>Reads the OTLP JSON (resourceSpans/resourceLogs) that the dashboard API wraps in {"data": ...}.</summary>
internal static class OtlpJson
{
    public static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    private const string DashboardLogIdAttribute = "aspire.log_id";

    public static IReadOnlyList<ReceivedSpan> ReadSpans(JsonElement root)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var resourceSpans in Array(root.GetProperty("data"), "resourceSpans"))
        {
            var resourceAttributes = Attributes(resourceSpans.TryGetProperty("resource", out var resource) ? resource : default);
            resourceAttributes.TryGetValue("service.name", out var serviceName);
            foreach (var scopeSpans in Array(resourceSpans, "scopeSpans"))
            {
                var scopeName = ScopeName(scopeSpans);
                foreach (var span in Array(scopeSpans, "spans"))
                {
                    var status = span.TryGetProperty("status", out var s) ? s : default;
                    spans.Add(new ReceivedSpan(
                        TraceId: String(span, "traceId") ?? "",
                        SpanId: String(span, "spanId") ?? "",
                        ParentSpanId: NullIfEmpty(String(span, "parentSpanId")),
                        Name: String(span, "name") ?? "",
                        // OTLP numbers kinds from 1 (internal); ActivityKind from 0.
                        Kind: (ActivityKind)Math.Max(0, Int(span, "kind") - 1),
                        Attributes: Attributes(span),
                        // OTLP and ActivityStatusCode agree: 0 unset, 1 ok, 2 error.
                        StatusCode: (ActivityStatusCode)Int(status, "code"),
                        StatusMessage: NullIfEmpty(String(status, "message")),
                        Events: Array(span, "events")
                            .Select(e => new ReceivedSpanEvent(String(e, "name") ?? "", UnixNano(e, "timeUnixNano"), Attributes(e)))
                            .ToList(),
                        StartTime: UnixNano(span, "startTimeUnixNano"),
                        EndTime: UnixNano(span, "endTimeUnixNano"),
                        ServiceName: serviceName,
                        ScopeName: scopeName,
                        ResourceAttributes: resourceAttributes));
                }
            }
        }

        return spans;
    }

    public static IReadOnlyList<ReceivedLog> ReadLogs(JsonElement root)
    {
        var logs = new List<ReceivedLog>();
        foreach (var resourceLogs in Array(root.GetProperty("data"), "resourceLogs"))
        {
            var resourceAttributes = Attributes(resourceLogs.TryGetProperty("resource", out var resource) ? resource : default);
            resourceAttributes.TryGetValue("service.name", out var serviceName);
            foreach (var scopeLogs in Array(resourceLogs, "scopeLogs"))
            {
                var scopeName = ScopeName(scopeLogs);
                foreach (var record in Array(scopeLogs, "logRecords"))
                {
                    var attributes = Attributes(record);
                    attributes.Remove(DashboardLogIdAttribute);
                    logs.Add(new ReceivedLog(
                        Body: record.TryGetProperty("body", out var body) ? AnyValue(body) : null,
                        SeverityNumber: Int(record, "severityNumber"),
                        SeverityText: String(record, "severityText"),
                        Attributes: attributes,
                        TraceId: NullIfEmpty(String(record, "traceId")),
                        SpanId: NullIfEmpty(String(record, "spanId")),
                        Timestamp: UnixNano(record, "timeUnixNano"),
                        ServiceName: serviceName,
                        ScopeName: scopeName,
                        ResourceAttributes: resourceAttributes));
                }
            }
        }

        return logs;
    }

    public static string Describe(IReadOnlyDictionary<string, string> attributes) =>
        string.Join(", ", attributes.Select(pair => $"{pair.Key}={pair.Value}"));

    private static string? ScopeName(JsonElement scoped) =>
        scoped.TryGetProperty("scope", out var scope) ? String(scope, "name") : null;

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : [];

    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in Array(owner, "attributes"))
        {
            if (String(attribute, "key") is { } key && attribute.TryGetProperty("value", out var value))
            {
                attributes[key] = AnyValue(value) ?? "";
            }
        }

        return attributes;
    }

    /// <summary>An OTLP AnyValue as text (the dashboard sends stringValue; the others are read too).</summary>
    private static string? AnyValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in value.EnumerateObject())
        {
            return property.Name switch
            {
                "stringValue" or "intValue" or "bytesValue" => property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()
                    : property.Value.GetRawText(),
                "boolValue" => property.Value.GetBoolean() ? "true" : "false",
                "doubleValue" => property.Value.GetDouble().ToString(CultureInfo.InvariantCulture),
                _ => property.Value.GetRawText(),
            };
        }

        return null;
    }

    private static string? String(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int Int(JsonElement owner, string name)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetInt32(),
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        };
    }

    // OTLP JSON writes 64-bit nanoseconds as strings.
    private static DateTimeOffset UnixNano(JsonElement owner, string name)
    {
        var text = String(owner, name);
        if (text is null && owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var number) && number.ValueKind == JsonValueKind.Number)
        {
            text = number.GetRawText();
        }

        return ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var nanoseconds)
            ? DateTimeOffset.UnixEpoch.AddTicks((long)(nanoseconds / 100))
            : default;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

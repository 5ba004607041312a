using System.Text.Json;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>
/// The real service, <c>dotnet CrudCqrs.Api.dll</c>, on a free loopback port with a SQLite file in
/// a temp folder and the Prometheus endpoint on. OTLP points at a closed port, so every OTLP
/// export fails and <c>crud_telemetry_export_failures_total</c> is exported too.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServiceProcess(ChildProcess process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Directory { get; }
    public int Port { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public string DatabaseFile => Path.Combine(Directory, "crudcqrs.db");

    public static async Task<ServiceProcess> StartAsync()
    {
        var assembly = Repo.ApiAssembly();
        var directory = Path.Combine(Path.GetTempPath(), "crudcqrs-dash-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var port = Tools.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(directory, "crudcqrs.db")}",
            ["Database__TimeoutSeconds"] = "1",
            ["Observability__PrometheusEndpoint"] = "true",
            ["Observability__MetricsExportIntervalMs"] = "1000",
            ["Observability__OtlpEndpoint"] = $"http://127.0.0.1:{Tools.FreePort()}",
            ["Logging__Format"] = "json",
        };
        var process = new ChildProcess(DotnetHost(), [assembly], Path.GetDirectoryName(assembly)!, environment);
        var service = new ServiceProcess(process, directory, port);
        await service.WaitUntilLiveAsync();
        return service;
    }

    /// <summary>The dotnet host running these tests (so PATH need not have it), else `dotnet` from PATH.</summary>
    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    /// <summary>The keys of the service's JSON log lines so far (what a Loki <c>| json</c> stage would see, before renaming).</summary>
    public IReadOnlySet<string> LogFieldNames()
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in _process.Output)
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    fields.Add(property.Name);
                }
            }
            catch (JsonException)
            {
                // a line that merely starts with '{'
            }
        }
        return fields;
    }

    public async Task<string> ScrapeAsync() => await Http.GetStringAsync("/metrics");

    public string OutputTail() => _process.Tail();

    private async Task WaitUntilLiveAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The service exited during start:\n" + _process.Tail());
            }
            try
            {
                using var response = await Http.GetAsync("/health/live");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The service did not become live within 60 s:\n" + _process.Tail());
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp folder is cleaned by the OS eventually
        }
        return ValueTask.CompletedTask;
    }
}

using System.Net;

namespace CrudCqrs.TestSupport;

/// <summary>
/// The built service as its own process on real Kestrel, as operators run it:
/// <c>dotnet CrudCqrs.Api.dll</c> on a free loopback port, in a temp directory of its own, started
/// through <see cref="ChildProcess"/> (output captured line by line). Stopped with SIGTERM (then
/// killed) on dispose.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServiceProcess(ChildProcess process, string directory, string databasePath, int port)
    {
        _process = process;
        DirectoryPath = directory;
        DatabasePath = databasePath;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = CreateClient();
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The process's working directory, a fresh temp directory removed on dispose.</summary>
    public string DirectoryPath { get; }

    public string DatabasePath { get; }

    /// <summary>A plain client on <see cref="BaseAddress"/>.</summary>
    public HttpClient Client { get; }

    public IReadOnlyList<string> Stdout => _process.Stdout;

    public IReadOnlyList<string> Stderr => _process.Stderr;

    /// <summary>Both streams, in the order the lines arrived.</summary>
    public IReadOnlyList<string> Output => _process.Output;

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Starts the service with these settings over the defaults and waits as told.</summary>
    public static Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, Readiness waitFor = Readiness.Ready) =>
        StartAsync(new ServiceOptions { Settings = settings, WaitFor = waitFor });

    /// <summary>
    /// The service on <paramref name="databasePath"/> with telemetry off and text logs at Warning,
    /// for tests about the API rather than its telemetry; <paramref name="settings"/> go on top.
    /// </summary>
    public static Task<ServiceProcess> StartQuietAsync(string databasePath, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Observability__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Format"] = "text",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return StartAsync(new ServiceOptions { DatabasePath = databasePath, Settings = all });
    }

    public static async Task<ServiceProcess> StartAsync(ServiceOptions? options = null)
    {
        options ??= new ServiceOptions();
        var directory = Path.Combine(Path.GetTempPath(), "crudcqrs-service", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var databasePath = options.DatabasePath ?? Path.Combine(directory, "crudcqrs.db");
        var port = FreePort.Next();

        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = options.Environment,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__Sqlite"] = $"Data Source={databasePath}",
            // Outside Development the service insists on an explicit choice; tests of
            // authentication set their own.
            ["Auth__Mode"] = "None",
            // The suites call fast from one address; tests of the limiter turn it back on.
            ["RateLimit__Enabled"] = "false",
            // Nothing listens on the discard port: exports fail fast instead of reaching a
            // collector some other program runs on this machine.
            ["Observability__OtlpEndpoint"] = "http://127.0.0.1:9",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (key, value) in options.Settings)
        {
            environment[key] = value;
        }

        var process = ChildProcess.Start(ApiAssembly.DotnetHost, [ApiAssembly.Path, .. options.Arguments], directory, environment, name: "The service");
        var service = new ServiceProcess(process, directory, databasePath, port);
        try
        {
            if (options.WaitFor != Readiness.None)
            {
                await service.WaitUntilAsync(options.WaitFor, options.StartTimeout);
            }
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>
    /// A client on <see cref="BaseAddress"/> through the given handlers (outermost first). A body
    /// sent with <c>Expect: 100-continue</c> waits for the server's verdict however loaded the
    /// machine is, so a refused body is never cut off mid-write.
    /// </summary>
    public HttpClient CreateClient(params DelegatingHandler[] handlers)
    {
        HttpMessageHandler handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) };
        foreach (var outer in handlers.Reverse())
        {
            outer.InnerHandler = handler;
            handler = outer;
        }
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The last lines of output, to explain a failure.</summary>
    public string OutputTail(int lines = 40) => _process.Tail(lines);

    public Task WaitUntilAsync(Readiness readiness, TimeSpan timeout)
    {
        var path = readiness == Readiness.Ready ? "/health/ready" : "/health/live";
        return _process.WaitUntilAsync($"{BaseAddress} to answer {path} with 200", async () =>
        {
            using var response = await Client.GetAsync(path);
            return response.StatusCode == HttpStatusCode.OK;
        }, timeout);
    }

    /// <summary>SIGTERM, as an orchestrator stops a container; killed if it has not exited within <paramref name="timeout"/>.</summary>
    /// <returns>The exit code.</returns>
    public Task<int> StopAsync(TimeSpan timeout) => _process.StopAsync(timeout);

    /// <summary>SIGKILL: the process dies at once, with no shutdown of any kind.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Waits for the process to end on its own (a start that must fail); a <see cref="TimeoutException"/> with its output if it does not.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS eventually.
        }
    }
}

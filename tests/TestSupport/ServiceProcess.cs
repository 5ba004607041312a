using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace CrudCqrs.TestSupport;

/// <summary>
/// The built service as its own process on real Kestrel, as operators run it:
/// <c>dotnet CrudCqrs.Api.dll</c> on a free loopback port, in a temp directory of its own, with
/// stdout and stderr captured line by line. Stopped with SIGTERM (then killed) on dispose.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<string> _output = [];

    private ServiceProcess(Process process, string directory, string databasePath, int port)
    {
        _process = process;
        DirectoryPath = directory;
        DatabasePath = databasePath;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = CreateClient();
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The process's working directory, a fresh temp directory removed on dispose.</summary>
    public string DirectoryPath { get; }

    public string DatabasePath { get; }

    /// <summary>A plain client on <see cref="BaseAddress"/>.</summary>
    public HttpClient Client { get; }

    public IReadOnlyList<string> Stdout => Snapshot(_stdout);

    public IReadOnlyList<string> Stderr => Snapshot(_stderr);

    /// <summary>Both streams, in the order the lines arrived.</summary>
    public IReadOnlyList<string> Output => Snapshot(_output);

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Starts the service with these settings over the defaults and waits as told.</summary>
    public static Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, Readiness waitFor = Readiness.Ready) =>
        StartAsync(new ServiceOptions { Settings = settings, WaitFor = waitFor });

    public static async Task<ServiceProcess> StartAsync(ServiceOptions? options = null)
    {
        options ??= new ServiceOptions();
        var directory = Path.Combine(Path.GetTempPath(), "crudcqrs-service", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var databasePath = options.DatabasePath ?? Path.Combine(directory, "crudcqrs.db");
        var port = FreePort.Next();

        var start = new ProcessStartInfo(ApiAssembly.DotnetHost)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ApiAssembly.Path);
        foreach (var argument in options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = options.Environment,
            ["ASPNETCORE_URLS"] = BaseAddressFor(port),
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
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var service = new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), directory, databasePath, port);
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
    public string OutputTail(int lines = 40) => string.Join('\n', Output.TakeLast(lines));

    public async Task WaitUntilAsync(Readiness readiness, TimeSpan timeout)
    {
        var path = readiness == Readiness.Ready ? "/health/ready" : "/health/live";
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"The service exited with {_process.ExitCode} during start:\n{OutputTail()}");
            }
            try
            {
                using var response = await Client.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The service at {BaseAddress} did not answer {path} within {timeout}:\n{OutputTail()}");
    }

    /// <summary>SIGTERM, as an orchestrator stops a container; killed if it has not exited within <paramref name="timeout"/>.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, SigTerm);
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process dies at once, with no shutdown of any kind.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, SigKill);
            _process.WaitForExit();
        }
    }

    /// <summary>Waits for the process to end on its own (a start that must fail).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

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
        _process.Dispose();
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS eventually.
        }
    }

    private static string BaseAddressFor(int port) => $"http://127.0.0.1:{port}";

    private void Append(List<string> stream, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            stream.Add(line);
            _output.Add(line);
        }
    }

    private IReadOnlyList<string> Snapshot(List<string> lines)
    {
        lock (_output)
        {
            return [.. lines];
        }
    }

    private static void Signal(int processId, int signal)
    {
        if (SendSignal(processId, signal) != 0 && !Process.GetProcessById(processId).HasExited)
        {
            throw new InvalidOperationException($"kill({processId}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}

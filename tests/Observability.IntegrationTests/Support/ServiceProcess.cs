using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CrudCqrs.Observability.IntegrationTests.Support;

/// <summary>
/// The built API as a real process on real Kestrel, with its stdout captured line by line:
/// what operators run, so what log collectors see.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly string _directory;

    private ServiceProcess(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) { _stdout.Add(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) { _stderr.Add(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address { get; }
    public HttpClient Client { get; private set; } = null!;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public IReadOnlyList<string> Stdout { get { lock (_stdout) { return [.. _stdout]; } } }
    public IReadOnlyList<string> Stderr { get { lock (_stderr) { return [.. _stderr]; } } }

    public static string ApiAssemblyPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CrudCqrs.sln")))
        {
            directory = directory.Parent;
        }
        if (directory is null)
        {
            throw new InvalidOperationException("CrudCqrs.sln not found above " + AppContext.BaseDirectory);
        }
        // Built with the same configuration as this test assembly, as its project reference.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(directory.FullName, "src", "Api", "bin", configuration, "net10.0", "CrudCqrs.Api.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Api first", path);
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Starts the service on a free port with its own SQLite file; waits for readiness unless told not to.</summary>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> environment, bool waitUntilReady = true)
    {
        var directory = Path.Combine(Path.GetTempPath(), "crudcqrs-proc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ApiAssemblyPath(), "--urls", address.ToString() },
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(directory, "service.db")}";
        start.Environment["Observability__OtlpEndpoint"] = "http://127.0.0.1:9";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var service = new ServiceProcess(Process.Start(start)!, directory, address);
        service.Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        if (waitUntilReady)
        {
            await service.WaitUntilReadyAsync();
        }
        return service;
    }

    public async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}: {string.Join('\n', Stderr.Concat(Stdout).TakeLast(20))}");
            }
            try
            {
                if ((await Client.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The service did not become live within 60 s");
    }

    /// <summary>SIGTERM, as an orchestrator stops a container, then waits for a clean exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
            using var cancel = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cancel.Token);
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

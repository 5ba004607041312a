using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>The built API started as its own process on real Kestrel; killed on dispose.</summary>
public sealed class ApiProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ApiProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        // A request sent with Expect: 100-continue waits for the server's verdict before sending
        // its body, however loaded the machine is: a refused body is then never cut off mid-write.
        var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) };
        Client = new HttpClient(new ServerErrorGuard { InnerHandler = handler }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The API assembly copied next to this test assembly by the project reference.</summary>
    public static string ApiAssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "CrudCqrs.Api.dll");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException("Build src/Api first: its output is expected next to the tests.", path);
            }
            return path;
        }
    }

    public static async Task<ApiProcess> StartAsync(string databasePath, string workingDirectory, params string[] settings)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            ApiAssemblyPath,
            "--urls", $"http://127.0.0.1:{port}",
            $"--ConnectionStrings:Sqlite=Data Source={databasePath}",
            "--Observability:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:Format=text",
            .. settings,
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var api = new ApiProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => api.Append(e.Data);
        process.ErrorDataReceived += (_, e) => api.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await api.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            api.Dispose();
            throw;
        }
        return api;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            // Keep the tail only: enough to explain a failure.
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, _output.Length - 32 * 1024);
            }
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await Client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The API at {BaseAddress} was not ready within {timeout}:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>A child process whose output is kept for assertions and failure messages, killed on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    public ChildProcess(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Output.Enqueue(e.Data); } };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    public string Tail(int lines = 40) => string.Join('\n', Output.TakeLast(lines));

    /// <summary>
    /// Polls <paramref name="condition"/> every 250 ms until it holds (a refused connection counts as
    /// not yet); fails at once if the process exits, and after <paramref name="timeout"/> with
    /// <paramref name="explain"/>'s text and the process's last lines.
    /// </summary>
    public async Task WaitUntilAsync(string name, string what, Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>>? explain = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"{name} exited:\n" + Tail());
            }
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
            {
                var details = explain is null ? "" : await explain() + "\n";
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.\n{details}{name} output:\n{Tail(20)}");
            }
            await Task.Delay(250);
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        using var child = new ChildProcess(fileName, arguments, workingDirectory);
        using var cancellation = new CancellationTokenSource(timeout);
        await child._process.WaitForExitAsync(cancellation.Token);
        child._process.WaitForExit(); // drains the asynchronous output readers
        return (child._process.ExitCode, string.Join('\n', child.Output));
    }

    public void Dispose()
    {
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
            // already gone
        }
        _process.Dispose();
    }
}

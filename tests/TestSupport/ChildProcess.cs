using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace CrudCqrs.TestSupport;

/// <summary>
/// The one way the suites start a program (the service, Prometheus, Alertmanager, the Aspire
/// Dashboard, Chromium, git, promtool, amtool): arguments and environment as given, stdout and
/// stderr captured line by line (the last <see cref="MaxLines"/>), waits for a line, an HTTP
/// answer or the exit that fail with the captured output, and the whole process tree killed on
/// dispose or when the test host exits.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable, IDisposable
{
    /// <summary>Lines kept; far more than any test reads, few enough that a chatty process cannot exhaust memory.</summary>
    public const int MaxLines = 100_000;

    private const int SigTerm = 15;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<CapturedLine> _lines = [];
    private readonly List<LineWaiter> _waiters = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;
    private int _disposed;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>The program's name, for messages.</summary>
    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Both streams, in the order the lines arrived.</summary>
    public IReadOnlyList<string> Output => Lines(stderr: null);

    public IReadOnlyList<string> Stdout => Lines(stderr: false);

    public IReadOnlyList<string> Stderr => Lines(stderr: true);

    /// <summary>
    /// Starts <paramref name="fileName"/>. In <paramref name="environment"/> a null value removes
    /// a variable the test process would pass on.
    /// </summary>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? name = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
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

        var child = new ChildProcess(new Process { StartInfo = start }, name ?? Path.GetFileName(fileName));
        child._process.OutputDataReceived += (_, e) => child.Append(e.Data, stderr: false);
        child._process.ErrorDataReceived += (_, e) => child.Append(e.Data, stderr: true);
        try
        {
            child._process.Start();
        }
        catch
        {
            child._process.Dispose();
            throw;
        }
        // A test run that ends without disposing (a crash, a cancelled run) must not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += child.KillOnHostExit;
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a program to its end; a run longer than <paramref name="timeout"/> fails with its output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        await using var child = Start(fileName, arguments, workingDirectory, environment);
        var exitCode = await child.WaitForExitAsync(timeout);
        return (exitCode, string.Join('\n', child.Output));
    }

    /// <summary>The last lines of output, to explain a failure.</summary>
    public string Tail(int lines = 40) => string.Join('\n', Output.TakeLast(lines));

    /// <summary>
    /// The first line, already printed or still to come, that matches <paramref name="pattern"/>;
    /// fails when the process ends without printing one, or after <paramref name="timeout"/>.
    /// </summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        var waiter = new LineWaiter(pattern);
        bool ended;
        lock (_gate)
        {
            foreach (var line in _lines)
            {
                if (pattern.Match(line.Text) is { Success: true } match)
                {
                    return match;
                }
            }
            ended = _openStreams == 0;
            if (!ended)
            {
                _waiters.Add(waiter);
            }
        }
        if (ended)
        {
            throw ExitedBefore($"a line matching /{pattern}/");
        }
        try
        {
            return await waiter.Found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} printed no line matching /{pattern}/ within {timeout.TotalSeconds:0} s:\n{Tail()}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits until a GET of <paramref name="url"/> answers with a 2xx status.</summary>
    public Task WaitForHttpAsync(Uri url, TimeSpan timeout) =>
        WaitUntilAsync($"{url} to answer 2xx", async () =>
        {
            using var response = await Probe.GetAsync(url);
            return response.IsSuccessStatusCode;
        }, timeout);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds (a refused or timed-out request counts as
    /// not yet); fails at once if the process exits, and after <paramref name="timeout"/> with
    /// <paramref name="explain"/>'s text and the process's last lines.
    /// </summary>
    public async Task WaitUntilAsync(string what, Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>>? explain = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                await DrainAsync();
                throw ExitedBefore(what);
            }
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                var details = explain is null ? "" : await explain() + "\n";
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.\n{details}{Name} output:\n{Tail()}");
            }
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits for the process to end on its own; fails with its output after <paramref name="timeout"/>.</summary>
    /// <returns>The exit code, once all output is captured.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} was still running after {timeout.TotalSeconds:0} s:\n{Tail()}");
        }
        await DrainAsync();
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as an orchestrator stops a container; the tree is killed if it has not exited within <paramref name="timeout"/>.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            if (SendSignal(_process.Id, SigTerm) != 0 && !_process.HasExited)
            {
                throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
            }
            try
            {
                await _process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                Kill();
            }
        }
        await DrainAsync();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL to the whole tree: it dies at once, with no shutdown of any kind.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            // Not the untimed wait: it also waits for the streams, which a grandchild outside
            // the tree may hold open; DrainAsync bounds that wait.
            _process.WaitForExit(10_000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= KillOnHostExit;
        try
        {
            Kill();
            await DrainAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void KillOnHostExit(object? sender, EventArgs e)
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Waits until both streams are read to their end, so that the captured output is complete; a
    /// grandchild that keeps them open is not waited for longer than a few seconds.
    /// </summary>
    private async Task DrainAsync()
    {
        try
        {
            await _drained.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }
    }

    private InvalidOperationException ExitedBefore(string what)
    {
        // Both streams end a moment before the process is reaped.
        var code = _process.WaitForExit(5_000) ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        return new InvalidOperationException($"{Name} exited with {code} before {what}:\n{Tail()}");
    }

    private void Append(string? text, bool stderr)
    {
        List<LineWaiter> orphaned = [];
        lock (_gate)
        {
            if (text is null)
            {
                if (--_openStreams > 0)
                {
                    return;
                }
                orphaned.AddRange(_waiters);
            }
            else
            {
                if (_lines.Count == MaxLines)
                {
                    _lines.RemoveRange(0, MaxLines / 10);
                }
                _lines.Add(new CapturedLine(text, stderr));
                foreach (var waiter in _waiters)
                {
                    if (waiter.Pattern.Match(text) is { Success: true } match)
                    {
                        waiter.Found.TrySetResult(match);
                    }
                }
            }
        }
        if (text is null)
        {
            _drained.TrySetResult();
            foreach (var waiter in orphaned)
            {
                waiter.Found.TrySetException(ExitedBefore($"a line matching /{waiter.Pattern}/"));
            }
        }
    }

    private string[] Lines(bool? stderr)
    {
        lock (_gate)
        {
            return [.. _lines.Where(l => stderr is null || l.IsStderr == stderr).Select(l => l.Text)];
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);

    private readonly record struct CapturedLine(string Text, bool IsStderr);

    private sealed record LineWaiter(Regex Pattern)
    {
        public TaskCompletionSource<Match> Found { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

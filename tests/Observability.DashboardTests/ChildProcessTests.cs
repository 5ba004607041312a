using System.Text.RegularExpressions;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.DashboardTests;

/// <summary>
/// The launcher every suite starts programs with, on /bin/sh: a wait that cannot succeed fails
/// with what the program printed, dispose leaves no process of the tree behind, and the capture
/// keeps the newest lines within its bound.
/// </summary>
public sealed partial class ChildProcessTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_line_already_printed_or_still_to_come_is_found()
    {
        var directory = Directory.CreateTempSubdirectory("crudcqrs-child-process-").FullName;
        try
        {
            // The second line waits for a file the test creates once it is waiting for that line.
            await using var shell = ChildProcess.Start("/bin/sh",
                ["-c", "echo 'port 4711'; while [ ! -e go ]; do sleep 0.05; done; echo 'ready at 4712'; sleep 600"], directory);

            Assert.Equal("4711", (await shell.WaitForLineAsync(PortLine(), Generous)).Groups["port"].Value);
            var later = shell.WaitForLineAsync(ReadyLine(), Generous);
            Assert.False(later.IsCompleted);
            await File.WriteAllTextAsync(Path.Combine(directory, "go"), "");
            Assert.Equal("4712", (await later).Groups["port"].Value);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_wait_for_a_line_that_never_comes_fails_with_the_exit_code_and_the_output()
    {
        await using var shell = ChildProcess.Start("/bin/sh", ["-c", "echo on stdout; echo on stderr >&2; exit 3"], name: "the shell");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => shell.WaitForLineAsync(ReadyLine(), Generous));

        Assert.Contains("the shell exited with 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("on stdout", failure.Message, StringComparison.Ordinal);
        Assert.Contains("on stderr", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["on stdout"], shell.Stdout);
        Assert.Equal(["on stderr"], shell.Stderr);
    }

    [Fact]
    public async Task A_wait_for_the_exit_that_runs_out_names_the_program_and_its_output()
    {
        await using var shell = ChildProcess.Start("/bin/sh", ["-c", "echo still going; sleep 600"], name: "the shell");
        await shell.WaitForLineAsync(StillGoing(), Generous);

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => shell.WaitForExitAsync(TimeSpan.FromMilliseconds(1)));

        Assert.Contains("the shell was still running", failure.Message, StringComparison.Ordinal);
        Assert.Contains("still going", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_kills_the_whole_tree()
    {
        var shell = ChildProcess.Start("/bin/sh", ["-c", "sleep 600 & echo \"child $!\"; wait"]);
        var child = int.Parse((await shell.WaitForLineAsync(ChildLine(), Generous)).Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsRunning(child), $"sleep ({child}) should run before dispose");

        await shell.DisposeAsync();

        Assert.False(IsRunning(child), $"sleep ({child}) outlived the disposed shell");
    }

    [Fact]
    public async Task The_capture_keeps_the_newest_lines_within_its_bound()
    {
        var printed = ChildProcess.MaxLines + 25_000;
        await using var shell = ChildProcess.Start("/bin/sh", ["-c", $"seq 1 {printed}"]);

        Assert.Equal(0, await shell.WaitForExitAsync(Generous));

        Assert.InRange(shell.Output.Count, ChildProcess.MaxLines * 9 / 10, ChildProcess.MaxLines);
        Assert.Equal(printed.ToString(System.Globalization.CultureInfo.InvariantCulture), shell.Output[^1]);
    }

    /// <summary>Running, and not a zombie left for a parent to reap (a killed process is either gone or one).</summary>
    private static bool IsRunning(int processId)
    {
        var stat = $"/proc/{processId}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }
        try
        {
            var text = File.ReadAllText(stat);
            // The state follows the command name in parentheses: "1234 (sleep) S ...".
            return text[(text.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^port (?<port>\d+)$")]
    private static partial Regex PortLine();

    [GeneratedRegex(@"^ready at (?<port>\d+)$")]
    private static partial Regex ReadyLine();

    [GeneratedRegex(@"^still going$")]
    private static partial Regex StillGoing();

    [GeneratedRegex(@"^child (?<pid>\d+)$")]
    private static partial Regex ChildLine();
}

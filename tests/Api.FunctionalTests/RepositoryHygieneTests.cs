using System.Text.RegularExpressions;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests;

/// <summary>
/// A clone of this repository is all a reader has: no file may point at a path outside it, and
/// every relative link in the docs must land on a file inside it.
/// </summary>
public sealed partial class RepositoryHygieneTests
{
    private static readonly string Root = RepositoryRoot.Path;

    /// <summary>Text that only makes sense on a machine with documents beside the repository.</summary>
    /// <remarks>Assembled from parts so that this file does not match its own search.</remarks>
    private static readonly string[] OutsideReferences = [".." + "/shared", "/" + "work/", "design's " + "propert"];

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".csproj", ".props", ".targets", ".sln", ".json", ".md", ".yml", ".yaml", ".sh", ".mjs", ".js",
        ".txt", ".xml", ".editorconfig", ".gitignore", ".dockerignore", ".http", ".toml", "",
    };

    [Fact]
    public void No_tracked_file_refers_to_a_path_outside_the_repository()
    {
        var self = Path.Combine("tests", "Api.FunctionalTests", nameof(RepositoryHygieneTests) + ".cs");
        var offenders = (
            from file in TrackedTextFiles()
            where file != self
            from line in File.ReadLines(Path.Combine(Root, file)).Select((text, index) => (text, number: index + 1))
            from reference in OutsideReferences
            where line.text.Contains(reference, StringComparison.OrdinalIgnoreCase)
            select $"{file}:{line.number}: {reference}").ToList();

        Assert.True(offenders.Count == 0, "References outside the repository:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void Every_relative_link_in_the_docs_lands_on_a_file_in_the_repository()
    {
        var broken = new List<string>();
        foreach (var file in TrackedTextFiles().Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)))
        {
            var directory = Path.GetDirectoryName(Path.Combine(Root, file))!;
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(Path.Combine(Root, file))))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://") || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }
                var resolved = Path.GetFullPath(Path.Combine(directory, Uri.UnescapeDataString(target)));
                var inside = resolved.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
                if (!inside || !(File.Exists(resolved) || Directory.Exists(resolved)))
                {
                    broken.Add($"{file}: {target}{(inside ? " (missing)" : " (outside the repository)")}");
                }
            }
        }

        Assert.True(broken.Count == 0, "Broken relative links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void The_scan_sees_the_repository()
    {
        var files = TrackedTextFiles();
        Assert.Contains("README.md", files);
        Assert.Contains(Path.Combine("docs", "api.md"), files);
        Assert.Contains(Path.Combine("src", "Api", "Program.cs"), files);
    }

    /// <summary>The files git tracks (what a clone gets); without git, the files on disk minus build output.</summary>
    private static IReadOnlyList<string> TrackedTextFiles()
    {
        var files = GitLsFiles() ?? Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git" or "node_modules" or "TestResults"))
            .ToList();
        return files
            .Where(f => TextExtensions.Contains(Path.GetExtension(f)) && File.Exists(Path.Combine(Root, f)))
            .ToList();
    }

    private static List<string>? GitLsFiles()
    {
        try
        {
            // One path per line, unquoted: core.quotePath=false leaves non-ASCII names as they are.
            var (exitCode, output) = ChildProcess.RunAsync("git", ["-c", "core.quotePath=false", "ls-files"], Root, TimeSpan.FromSeconds(60))
                .GetAwaiter().GetResult();
            return exitCode == 0
                ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Replace('/', Path.DirectorySeparatorChar)).ToList()
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }

    /// <summary>Inline Markdown links and images: <c>[text](target)</c>, the target up to a space or ')'.</summary>
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();
}

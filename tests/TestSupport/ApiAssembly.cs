namespace CrudCqrs.TestSupport;

/// <summary>Where the built service is, and the <c>dotnet</c> host that runs it.</summary>
public static class ApiAssembly
{
    public const string FileName = "CrudCqrs.Api.dll";

    /// <summary>
    /// CrudCqrs.Api.dll as a project reference to src/Api copies it next to the test assembly,
    /// else as src/Api built it for the test's configuration; either with its runtimeconfig, so
    /// that <c>dotnet CrudCqrs.Api.dll</c> can run it.
    /// </summary>
    public static string Path
    {
        get
        {
            var testOutput = AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar);
            var framework = System.IO.Path.GetFileName(testOutput);
            var configuration = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(testOutput)!);
            string[] candidates =
            [
                System.IO.Path.Combine(testOutput, FileName),
                System.IO.Path.Combine(RepositoryRoot.Path, "src", "Api", "bin", configuration, framework, FileName),
            ];
            return candidates.FirstOrDefault(c => File.Exists(c) && File.Exists(System.IO.Path.ChangeExtension(c, ".runtimeconfig.json")))
                ?? throw new FileNotFoundException("Build src/Api first: CrudCqrs.Api.dll with its runtimeconfig is in none of " + string.Join(", ", candidates));
        }
    }

    /// <summary>The dotnet host running these tests (so PATH need not have it), else <c>dotnet</c> from PATH.</summary>
    public static string DotnetHost
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }
            var current = Environment.ProcessPath;
            return current is not null && System.IO.Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
        }
    }
}

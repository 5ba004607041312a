namespace CrudCqrs.TestSupport;

/// <summary>The checkout the tests run from: the directory holding CrudCqrs.sln above the test assembly.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "CrudCqrs.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("No CrudCqrs.sln above " + AppContext.BaseDirectory);
    }
}

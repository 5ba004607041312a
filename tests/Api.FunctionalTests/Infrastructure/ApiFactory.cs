using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// Hosts the real app in memory on its own SQLite file in a fresh temp directory; one per test
/// class (xunit class fixture), deleted with the directory afterwards.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public ApiFactory()
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "crudcqrs-functional", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DirectoryPath);
        DatabasePath = Path.Combine(DirectoryPath, "api.db");
    }

    public string DirectoryPath { get; }

    public string DatabasePath { get; }

    /// <summary>Extra connection string keys, e.g. <c>Pooling=False</c>.</summary>
    protected virtual string ConnectionStringSuffix => "";

    protected virtual void Configure(IWebHostBuilder builder)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={DatabasePath}{ConnectionStringSuffix}");
        builder.UseSetting("Observability:Enabled", "false");
        // The suites call fast from one address; the limiter has its own tests.
        builder.UseSetting("RateLimit:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Faults must show in test output; expected answers are not logged at Error.
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");
        Configure(builder);
    }

    /// <summary>A client that follows redirects and fails the test on any 500 or leaking problem.</summary>
    public HttpClient CreateGuardedClient() => CreateDefaultClient(new RedirectHandler(), new ServerErrorGuard());

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            DeleteDirectory();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDirectory();
        GC.SuppressFinalize(this);
    }

    private void DeleteDirectory()
    {
        // Pooled connections keep the file open; close them before deleting.
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(DirectoryPath))
            {
                Directory.Delete(DirectoryPath, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a file still held by a finalizing connection is left in /tmp.
        }
    }
}

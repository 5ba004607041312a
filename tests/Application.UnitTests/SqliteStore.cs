using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Application.Resources.GetResource;
using CrudCqrs.Application.Resources.ListResources;
using CrudCqrs.Application.Resources.SearchResources;
using CrudCqrs.Application.Resources.UpdateResource;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Application.UnitTests;

/// <summary>A clock that moves only when told to.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// The real SQLite repository on a migrated database file of its own, with every handler
/// built over it. Test classes create one per test (xunit builds a class instance per test),
/// so no test sees another's rows; the file is deleted on dispose.
/// </summary>
public sealed class SqliteStore : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"crudcqrs-app-tests-{Guid.NewGuid():N}.db");
    private readonly SqliteWriteGate _gate = new();

    public SqliteStore()
    {
        // No pooling: the file must be closed for real before it is deleted.
        var options = new DbContextOptionsBuilder<ResourceDbContext>()
            .UseSqlite($"Data Source={_path};Pooling=False")
            .Options;
        Db = new ResourceDbContext(options);
        Db.Database.Migrate();
        Repository = new SqliteResourceRepository(Db, _gate, Options.Create(new DatabaseOptions()));
        Create = new CreateResourceHandler(Repository, Clock);
        Get = new GetResourceHandler(Repository);
        Update = new UpdateResourceHandler(Repository, Clock);
        Delete = new DeleteResourceHandler(Repository, Clock);
        List = new ListResourcesHandler(Repository);
        Search = new SearchResourcesHandler(Repository);
    }

    public ManualClock Clock { get; } = new(Start);
    public ResourceDbContext Db { get; }
    public SqliteResourceRepository Repository { get; }
    public CreateResourceHandler Create { get; }
    public GetResourceHandler Get { get; }
    public UpdateResourceHandler Update { get; }
    public DeleteResourceHandler Delete { get; }
    public ListResourcesHandler List { get; }
    public SearchResourcesHandler Search { get; }

    public void Dispose()
    {
        Db.Dispose();
        _gate.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm", _path + "-journal" })
        {
            File.Delete(file);
        }
    }
}

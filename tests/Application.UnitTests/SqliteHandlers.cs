using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Application.Resources.GetResource;
using CrudCqrs.Application.Resources.ListResources;
using CrudCqrs.Application.Resources.SearchResources;
using CrudCqrs.Application.Resources.UpdateResource;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Application.UnitTests;

/// <summary>
/// Every handler over the real SQLite repository on a migrated database of its own. Test classes
/// create one per test (xunit builds a class instance per test), so no test sees another's rows;
/// the database goes with it on dispose.
/// </summary>
public sealed class SqliteHandlers : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly SqliteTestDatabase _database = SqliteTestDatabase.Create();

    public SqliteHandlers()
    {
        // The production read and write paths: pooled reads, writes through the group-commit writer.
        Repository = _database.CreateRepository();
        Create = new CreateResourceHandler(Repository, Clock);
        Get = new GetResourceHandler(Repository);
        Update = new UpdateResourceHandler(Repository, Clock);
        Delete = new DeleteResourceHandler(Repository, Clock);
        List = new ListResourcesHandler(Repository);
        Search = new SearchResourcesHandler(Repository);
    }

    public ManualClock Clock { get; } = new(Start);

    /// <summary>The database under the handlers, for a second writer or a look at the rows.</summary>
    public SqliteTestDatabase Database => _database;
    public SqliteResourceRepository Repository { get; }
    public CreateResourceHandler Create { get; }
    public GetResourceHandler Get { get; }
    public UpdateResourceHandler Update { get; }
    public DeleteResourceHandler Delete { get; }
    public ListResourcesHandler List { get; }
    public SearchResourcesHandler Search { get; }

    public void Dispose() => _database.Dispose();
}

using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// No connection pooling, so each request really opens the database file (as after a restart of
/// the pool), and a 1 s store timeout: for tests of a database that vanishes or is locked.
/// </summary>
public sealed class UnpooledService : InMemoryService
{
    public UnpooledService()
        : base(new Dictionary<string, string?> { ["Database:TimeoutSeconds"] = "1" }) =>
        ConnectionStringOptions = ";Pooling=False";
}

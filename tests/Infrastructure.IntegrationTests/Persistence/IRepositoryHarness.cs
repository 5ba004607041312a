using CrudCqrs.Application.Abstractions;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence;

/// <summary>One empty store of one backend, for one test.</summary>
public interface IRepositoryHarness : IAsyncDisposable
{
    /// <summary>
    /// A repository as one request scope gets it. Repositories from the same harness share what
    /// one API process shares (the SQLite write gate, the MongoDB client) and the same store, so
    /// two of them stand for two concurrent requests.
    /// </summary>
    IResourceRepository CreateRepository();
}

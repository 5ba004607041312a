using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence;

/// <summary>A fresh database on the fixture's server, indexed like the service indexes it, dropped afterwards.</summary>
public sealed class MongoHarness : IRepositoryHarness
{
    private readonly MongoClient _client;
    private readonly MongoStore _store;

    private MongoHarness(MongoClient client, MongoStore store)
    {
        _client = client;
        _store = store;
    }

    public static async Task<MongoHarness> CreateAsync(MongoServerFixture server, int timeoutSeconds)
    {
        var databaseName = "contract_" + Guid.NewGuid().ToString("N");
        var connection = MongoConnection.Parse(server.ConnectionStringFor(databaseName), timeoutSeconds);
        var client = new MongoClient(connection.Settings);
        var store = new MongoStore(client, connection.DatabaseName, TimeSpan.FromSeconds(timeoutSeconds));
        await new MongoIndexes(store, NullLogger<MongoIndexes>.Instance).EnsureAsync(CancellationToken.None);
        return new MongoHarness(client, store);
    }

    public IResourceRepository CreateRepository() => new MongoResourceRepository(_store, new IdempotencyContext());

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.DropDatabaseAsync(_store.Database.DatabaseNamespace.DatabaseName);
        }
        finally
        {
            _client.Dispose();
        }
    }
}

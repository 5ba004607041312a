using MongoDB.Bson;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>
/// The process-wide MongoDB handles (one client, thread-safe) and what the server can do,
/// learned once. Repositories are scoped and borrow these.
/// </summary>
public sealed class MongoStore
{
    public const string LocksCollectionName = "locks";
    public const string GraphLockId = "graph";

    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private bool? _supportsTransactions;

    public MongoStore(IMongoClient client, string databaseName, TimeSpan timeout)
    {
        Client = client;
        Database = client.GetDatabase(databaseName);
        Resources = Database.GetCollection<BsonDocument>(ResourceDocuments.CollectionName);
        Locks = Database.GetCollection<BsonDocument>(LocksCollectionName);
        Timeout = timeout;
    }

    public IMongoClient Client { get; }
    public IMongoDatabase Database { get; }
    public IMongoCollection<BsonDocument> Resources { get; }
    public IMongoCollection<BsonDocument> Locks { get; }

    /// <summary>How long a request may wait for the store (the graph lock included) before 503.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Multi-document transactions need a replica set member or a mongos; a standalone server has
    /// neither. Asked with <c>hello</c> once; an unreachable server is asked again next time.
    /// </summary>
    public async Task<bool> SupportsTransactionsAsync(CancellationToken cancellationToken)
    {
        if (_supportsTransactions is { } known)
        {
            return known;
        }
        await _probeGate.WaitAsync(cancellationToken);
        try
        {
            if (_supportsTransactions is null)
            {
                var hello = await Database.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
                _supportsTransactions = IsReplicaSetOrRouter(hello);
            }
            return _supportsTransactions.Value;
        }
        finally
        {
            _probeGate.Release();
        }
    }

    /// <summary>A replica set member reports <c>setName</c>; a mongos reports <c>msg: "isdbgrid"</c>.</summary>
    public static bool IsReplicaSetOrRouter(BsonDocument hello) =>
        hello.Contains("setName") || hello.GetValue("msg", BsonNull.Value) == "isdbgrid";
}

using System.Diagnostics;
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

    /// <summary>A "no" is asked again after this long, so a server restarted as a replica set member is noticed.</summary>
    private static readonly TimeSpan StandaloneRecheck = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private bool? _supportsTransactions;
    private long _probedAt;

    public MongoStore(IMongoClient client, string databaseName, TimeSpan timeout)
    {
        Client = client;
        Database = client.GetDatabase(databaseName);
        Resources = Database.GetCollection<BsonDocument>(ResourceDocuments.CollectionName);
        Locks = Database.GetCollection<BsonDocument>(LocksCollectionName);
        IdempotencyKeys = Database.GetCollection<BsonDocument>(MongoIdempotencyRecords.CollectionName);
        Timeout = timeout;
    }

    public IMongoClient Client { get; }
    public IMongoDatabase Database { get; }
    public IMongoCollection<BsonDocument> Resources { get; }
    public IMongoCollection<BsonDocument> Locks { get; }
    public IMongoCollection<BsonDocument> IdempotencyKeys { get; }

    /// <summary>How long a request may wait for the store (the graph lock included) before 503.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Multi-document transactions need a replica set member or a mongos; a standalone server has
    /// neither. Asked with <c>hello</c>: a "yes" is kept, a "no" for <see cref="StandaloneRecheck"/>,
    /// and an unreachable server is asked again next time.
    /// </summary>
    public async Task<bool> SupportsTransactionsAsync(CancellationToken cancellationToken)
    {
        if (_supportsTransactions is { } known && (known || !IsStale()))
        {
            return known;
        }
        await _probeGate.WaitAsync(cancellationToken);
        try
        {
            if (_supportsTransactions is null || (_supportsTransactions == false && IsStale()))
            {
                var hello = await Database.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
                _supportsTransactions = IsReplicaSetOrRouter(hello);
                _probedAt = Stopwatch.GetTimestamp();
            }
            return _supportsTransactions.Value;
        }
        finally
        {
            _probeGate.Release();
        }
    }

    private bool IsStale() => Stopwatch.GetElapsedTime(_probedAt) > StandaloneRecheck;

    /// <summary>A replica set member reports <c>setName</c>; a mongos reports <c>msg: "isdbgrid"</c>.</summary>
    public static bool IsReplicaSetOrRouter(BsonDocument hello) =>
        hello.Contains("setName") || hello.GetValue("msg", BsonNull.Value) == "isdbgrid";
}

using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// The MongoDB server the contract suite runs against: <c>MONGODB_URI</c> when set, otherwise a
/// throwaway single-node replica set started with Testcontainers. When neither is possible,
/// <see cref="SkipReason"/> says why and every MongoDB test reports itself skipped with it.
/// </summary>
public sealed class MongoServerFixture : IAsyncLifetime
{
    public const string UriVariable = "MONGODB_URI";

    private MongoDbContainer? _container;

    /// <summary>Connection string without a database name; null when no server is available.</summary>
    public string? BaseConnectionString { get; private set; }

    public string? SkipReason { get; private set; }

    public async Task InitializeAsync()
    {
        var uri = Environment.GetEnvironmentVariable(UriVariable);
        if (!string.IsNullOrWhiteSpace(uri))
        {
            BaseConnectionString = uri;
            return;
        }
        try
        {
            // Transactions need a replica set; a single node is enough.
            _container = new MongoDbBuilder("mongo:7.0").WithReplicaSet("rs0").Build();
            using var startTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await _container.StartAsync(startTimeout.Token);
            BaseConnectionString = _container.GetConnectionString();
        }
        catch (Exception exception)
        {
            SkipReason =
                $"no MongoDB server: {UriVariable} is not set and Testcontainers could not start mongo:7.0 " +
                $"({exception.GetType().Name}: {FirstLine(exception.Message)}). Set {UriVariable} to a replica set, or run where Docker is available.";
            if (_container is not null)
            {
                await _container.DisposeAsync();
                _container = null;
            }
        }
    }

    /// <summary><see cref="BaseConnectionString"/> pointed at <paramref name="databaseName"/>.</summary>
    public string ConnectionStringFor(string databaseName)
    {
        var builder = new MongoUrlBuilder(BaseConnectionString) { DatabaseName = databaseName };
        if (builder.Username is not null && builder.AuthenticationSource is null)
        {
            // Users of the container (and of most deployments) live in admin, not in the test database.
            builder.AuthenticationSource = "admin";
        }
        return builder.ToString();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}

[CollectionDefinition(Name)]
public sealed class MongoServerCollection : ICollectionFixture<MongoServerFixture>
{
    public const string Name = "MongoDB server";
}

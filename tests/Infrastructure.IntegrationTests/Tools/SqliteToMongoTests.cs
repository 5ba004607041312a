using System.Diagnostics;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.IntegrationTests.Persistence;
using CrudCqrs.Infrastructure.IntegrationTests.Persistence.Mongo;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using CrudCqrs.TestSupport;
using CrudCqrs.Tools.SqliteToMongo;
using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.IntegrationTests.Tools;

[Collection(MongoServerCollection.Name)]
public sealed class SqliteToMongoTests(MongoServerFixture server) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private SqliteHarness _sqlite = null!;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public async Task InitializeAsync() => _sqlite = await SqliteHarness.CreateAsync(5);

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    private Task<int> Run(params string[] args) => Migration.RunAsync(args, _output, _error, CancellationToken.None);

    private async Task<Resource[]> SeedAsync()
    {
        var repository = _sqlite.CreateRepository();
        var bottom = Resource.Create(Guid.NewGuid(), "bottom", "the base", [], T0);
        var top = Resource.Create(Guid.NewGuid(), "top", null, [bottom.Id], T0.AddSeconds(1)).Update("Top", null, null, T0.AddSeconds(2));
        await using var transaction = await repository.BeginWriteAsync(CancellationToken.None);
        await repository.AddAsync(bottom, CancellationToken.None);
        await repository.AddAsync(top, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return [bottom, top];
    }

    [Theory]
    [InlineData]
    [InlineData("--sqlite", "Data Source=x.db")]
    [InlineData("--sqlite", "Data Source=x.db", "--mongo")]
    [InlineData("--sqlite", "Data Source=x.db", "--mongo", "mongodb://h/db", "--timeout-seconds", "0")]
    [InlineData("--sqlite", "Data Source=x.db", "--mongo", "mongodb://h/db", "--force")]
    public async Task Incomplete_or_unknown_arguments_print_usage_and_exit_2(params string[] args)
    {
        Assert.Equal(Migration.UsageError, await Run(args));
        Assert.Contains("usage: SqliteToMongo", _error.ToString());
    }

    [Fact]
    public async Task A_mongodb_string_without_a_database_exits_2_naming_the_problem()
    {
        Assert.Equal(Migration.UsageError, await Run("--sqlite", _sqlite.ConnectionString, "--mongo", "mongodb://localhost:27017"));
        Assert.Contains("names no database", _error.ToString());
    }

    [Fact]
    public async Task A_missing_sqlite_file_exits_2_and_is_not_created()
    {
        var path = Path.Combine(Path.GetTempPath(), "crudcqrs-tests", Guid.NewGuid().ToString("N") + ".db");

        Assert.Equal(Migration.UsageError, await Run("--sqlite", $"Data Source={path}", "--mongo", "mongodb://localhost:27017/x"));
        Assert.Contains("does not exist", _error.ToString());
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task An_unreachable_mongodb_exits_3_within_the_timeout()
    {
        await SeedAsync();
        var stopwatch = Stopwatch.StartNew();

        var exitCode = await Run("--sqlite", _sqlite.ConnectionString, "--mongo", $"mongodb://127.0.0.1:{FreePort.Next()}/x", "--timeout-seconds", "1");

        Assert.Equal(Migration.StoreUnavailable, exitCode);
        Assert.Contains("could not be reached", _error.ToString());
        Assert.Contains("holds 2 resources", _output.ToString());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(6), $"took {stopwatch.Elapsed.TotalSeconds:0.0} s");
    }

    [SkippableFact]
    public async Task Copying_twice_gives_the_same_verified_copy_and_an_extra_document_fails_verification()
    {
        Skip.If(server.SkipReason is not null, "MongoDB migration test skipped: " + server.SkipReason);
        var seeded = await SeedAsync();
        var databaseName = "migration_" + Guid.NewGuid().ToString("N");
        var mongo = server.ConnectionStringFor(databaseName);
        using var client = new MongoClient(mongo);
        try
        {
            Assert.Equal(Migration.Verified, await Run("--sqlite", _sqlite.ConnectionString, "--mongo", mongo));
            Assert.Equal(Migration.Verified, await Run("--sqlite", _sqlite.ConnectionString, "--mongo", mongo));

            var resources = client.GetDatabase(databaseName).GetCollection<BsonDocument>(ResourceDocuments.CollectionName);
            var copies = (await resources.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync()).Select(ResourceDocuments.FromBson);
            Assert.Equal(seeded.OrderBy(r => r.Id), copies.OrderBy(r => r.Id));

            await resources.InsertOneAsync(ResourceDocuments.ToBson(Resource.Create(Guid.NewGuid(), "stray", null, [], T0)));
            Assert.Equal(Migration.Mismatch, await Run("--sqlite", _sqlite.ConnectionString, "--mongo", mongo));
            Assert.Contains("Counts differ", _error.ToString());
        }
        finally
        {
            await client.DropDatabaseAsync(databaseName);
        }
    }
}

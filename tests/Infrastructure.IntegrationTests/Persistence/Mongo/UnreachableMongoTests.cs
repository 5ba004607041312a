using System.Diagnostics;
using CrudCqrs.Application;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using CrudCqrs.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence.Mongo;

/// <summary>
/// The 503 path: a MongoDB address where nothing listens must fail with
/// <see cref="StoreUnavailableException"/> within the configured timeout, never hang or leak a driver exception.
/// </summary>
public sealed class UnreachableMongoTests : IDisposable
{
    private const int TimeoutSeconds = 2;
    // Far below the driver's 30 s default, with room for a CI machine running other suites beside this one.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(TimeoutSeconds + 4);

    private readonly MongoClient _client;
    private readonly MongoStore _store;

    public UnreachableMongoTests()
    {
        var connection = MongoConnection.Parse($"mongodb://127.0.0.1:{FreePort.Next()}/x", TimeoutSeconds);
        _client = new MongoClient(connection.Settings);
        _store = new MongoStore(_client, connection.DatabaseName, TimeSpan.FromSeconds(TimeoutSeconds));
    }

    private static Task Call(IResourceRepository repository, string call) => call switch
    {
        "find" => repository.FindAsync(Guid.NewGuid(), CancellationToken.None),
        "list" => repository.ListAsync(0, 10, CancellationToken.None),
        "search" => repository.SearchAsync("x", 0, 20, CancellationToken.None),
        "count" => repository.CountAsync(CancellationToken.None),
        "begin write" => repository.BeginWriteAsync(CancellationToken.None),
        "add" => repository.AddAsync(Domain.Resources.Resource.Create(Guid.NewGuid(), "n", null, [], DateTimeOffset.UtcNow), CancellationToken.None),
        "dependents" => repository.FindTransitiveDependentsAsync(Guid.NewGuid(), CancellationToken.None),
        _ => throw new ArgumentOutOfRangeException(nameof(call)),
    };

    [Theory]
    [InlineData("find")]
    [InlineData("list")]
    [InlineData("search")]
    [InlineData("count")]
    [InlineData("begin write")]
    [InlineData("add")]
    [InlineData("dependents")]
    public async Task A_call_fails_as_store_unavailable_within_the_timeout(string call)
    {
        var repository = new MongoResourceRepository(_store, new IdempotencyContext());
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Call(repository, call));

        Assert.True(stopwatch.Elapsed < Limit, $"{call} took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.StartsWith("MongoDB is unavailable", error.Message);
    }

    [Fact]
    public async Task Creating_indexes_on_start_fails_as_store_unavailable_within_the_timeout()
    {
        var indexes = new MongoIndexes(_store, NullLogger<MongoIndexes>.Instance);
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => indexes.EnsureAsync(CancellationToken.None));

        Assert.True(stopwatch.Elapsed < Limit, $"took {stopwatch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task The_readiness_check_reports_unhealthy_within_the_timeout()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "MongoDb",
            ["Database:TimeoutSeconds"] = TimeoutSeconds.ToString(),
            ["ConnectionStrings:MongoDb"] = $"mongodb://127.0.0.1:{FreePort.Next()}/ready",
        });
        builder.Services.AddApplication();
        builder.AddInfrastructure();
        await using var services = builder.Services.BuildServiceProvider();
        var check = ActivatorUtilities.CreateInstance<StoreHealthCheck>(services);
        var stopwatch = Stopwatch.StartNew();

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.IsType<StoreUnavailableException>(result.Exception);
        Assert.True(stopwatch.Elapsed < Limit, $"took {stopwatch.Elapsed.TotalSeconds:0.0} s");
    }

    public void Dispose() => _client.Dispose();
}

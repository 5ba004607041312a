using BenchmarkDotNet.Attributes;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.GetResource;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrudCqrs.Benchmarks;

/// <summary>
/// The real GetResourceQuery handler over a real SQLite file, one DI scope per request as in the
/// host (pooled sessions with prepared statements, <see cref="SqliteReadPool"/>): shows how small
/// the pipeline's share is next to one store read.
/// </summary>
[MemoryDiagnoser]
public class SqliteReadBenchmarks
{
    private string _directory = null!;
    private ServiceProvider _services = null!;
    private GetResourceQuery _query = null!;
    private TelemetryListener? _listener;

    [Params(false, true)]
    public bool Listener { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("crudcqrs-bench-").FullName;
        var connectionString = $"Data Source={Path.Combine(_directory, "bench.db")}";
        _services = new ServiceCollection()
            .AddBenchMediator()
            .AddDbContext<ResourceDbContext>(options => options.UseSqlite(connectionString))
            .AddSingleton(_ => new SqliteReadPool(connectionString))
            .AddSingleton(_ => new SqliteGroupCommit(connectionString))
            .AddScoped<IdempotencyContext>()
            .AddScoped<SqliteResourceRepository>()
            .AddScoped<IResourceRepository>(provider => provider.GetRequiredService<SqliteResourceRepository>())
            .AddScoped<IIdempotencyStore>(provider => provider.GetRequiredService<SqliteResourceRepository>())
            .AddSingleton(new StoreInfo(SqliteResourceRepository.Type))
            .Configure<DatabaseOptions>(_ => { })
            .BuildServiceProvider();

        using var scope = _services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ResourceDbContext>().Database.Migrate();
        var repository = scope.ServiceProvider.GetRequiredService<IResourceRepository>();
        var dependency = Resource.Create(Guid.CreateVersion7(), "dependency", null, [], DateTimeOffset.UtcNow);
        var resource = Resource.Create(Guid.CreateVersion7(), "bench", "read by id", [dependency.Id], DateTimeOffset.UtcNow);
        repository.AddAsync(dependency, CancellationToken.None).GetAwaiter().GetResult();
        repository.AddAsync(resource, CancellationToken.None).GetAwaiter().GetResult();
        _query = new GetResourceQuery(resource.Id.ToString());
        _listener = Listener ? new TelemetryListener() : null;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _listener?.Dispose();
        // The group-commit writer is only asynchronously disposable.
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task<ResourceDto> HandlerDirect()
    {
        await using var scope = _services.CreateAsyncScope();
        var handler = new GetResourceHandler(scope.ServiceProvider.GetRequiredService<IResourceRepository>());
        return await handler.Handle(_query, CancellationToken.None);
    }

    [Benchmark]
    public async Task<ResourceDto> ThroughPipeline()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(_query, CancellationToken.None);
    }
}

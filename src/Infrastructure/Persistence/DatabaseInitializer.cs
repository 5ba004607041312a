using CrudCqrs.Application.Abstractions;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Persistence;

public static class DatabaseInitializer
{
    /// <summary>
    /// Creates and migrates the store (SQLite) or ensures its indexes (MongoDB), then starts <c>crud.resources.total</c> from the stored
    /// count so the gauge is right after a restart. Runs before the server takes requests.
    /// </summary>
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("CrudCqrs.Infrastructure.Database");
        try
        {
            await InitializeOnceAsync(services, logger, cancellationToken);
        }
        catch (StoreUnavailableException exception)
        {
            // A server that is down at start (MongoDB) must not keep the API down: requests answer
            // 503 and /health/ready says why, until a background retry finds the store again.
            logger.LogError(exception, "The database is unavailable at start; retrying in the background every {retry.seconds} s", RetryDelay.TotalSeconds);
            _ = Task.Run(() => RetryUntilReadyAsync(services, logger, cancellationToken), CancellationToken.None);
        }
    }

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private static async Task RetryUntilReadyAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryDelay, cancellationToken);
                await InitializeOnceAsync(services, logger, cancellationToken);
                logger.LogInformation("The database is reachable again; initialization completed");
                return;
            }
            catch (StoreUnavailableException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // the host stopped while the store was still down
            }
        }
    }

    private static async Task InitializeOnceAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;

        if (provider.GetService<ResourceDbContext>() is { } db)
        {
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
            }
            catch (Microsoft.Data.Sqlite.SqliteException exception)
            {
                // The file cannot be created or is not a database: a setting that cannot work.
                throw new DatabaseConfigurationException(
                    $"ConnectionStrings__Sqlite names '{db.Database.GetDbConnection().DataSource}', which cannot be opened as a database: {exception.Message}");
            }
            // WAL lets readers run beside the one writer; it is a property of the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await new TopologicalPositionBackfill(db, logger).RunAsync(cancellationToken);
            logger.LogInformation("SQLite database {database} is migrated and in WAL mode", db.Database.GetDbConnection().DataSource);
        }

        if (provider.GetService<MongoIndexes>() is { } mongoIndexes)
        {
            await mongoIndexes.EnsureAsync(cancellationToken);
        }

        var repository = provider.GetRequiredService<IResourceRepository>();
        var count = await repository.CountAsync(cancellationToken);
        if (count == 1)
        {
            logger.LogInformation("The store holds {resource.count} resource", count);
        }
        else
        {
            logger.LogInformation("The store holds {resource.count} resources", count);
        }
    }
}

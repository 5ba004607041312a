using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
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
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("CrudCqrs.Infrastructure.Database");

        if (provider.GetService<ResourceDbContext>() is { } db)
        {
            await db.Database.MigrateAsync(cancellationToken);
            // WAL lets readers run beside the one writer; it is a property of the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            logger.LogInformation("SQLite database {database} is migrated and in WAL mode", db.Database.GetDbConnection().DataSource);
        }

        if (provider.GetService<MongoIndexes>() is { } mongoIndexes)
        {
            await mongoIndexes.EnsureAsync(cancellationToken);
        }

        var repository = provider.GetRequiredService<IResourceRepository>();
        var telemetry = provider.GetRequiredService<CrudTelemetry>();
        var count = await repository.CountAsync(cancellationToken);
        telemetry.ResourcesTotal.Add(count, new KeyValuePair<string, object?>("db.type", telemetry.DbType));
        logger.LogInformation("The store holds {resource.count} resources", count);
    }
}

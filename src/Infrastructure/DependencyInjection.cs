using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrudCqrs.Infrastructure;

public static class DependencyInjection
{
    public const string ReadyTag = "ready";

    /// <summary>
    /// The store chosen by <c>Database__Provider</c>. A setting that cannot work throws
    /// <see cref="DatabaseConfigurationException"/> naming the key, so the service does not start.
    /// </summary>
    public static IHostApplicationBuilder AddInfrastructure(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(DatabaseOptions.SectionName);
        var providerText = section["Provider"];
        var provider = DatabaseProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText) && !Enum.TryParse(providerText.Trim(), ignoreCase: true, out provider))
        {
            throw new DatabaseConfigurationException(
                $"Database__Provider is '{providerText}'; accepted values are Sqlite and MongoDb.");
        }
        var timeoutText = section["TimeoutSeconds"];
        var timeoutSeconds = 5;
        if (timeoutText is not null && (!int.TryParse(timeoutText, out timeoutSeconds) || timeoutSeconds is < 1 or > 300))
        {
            throw new DatabaseConfigurationException(
                $"Database__TimeoutSeconds is '{timeoutText}'; accepted values are whole seconds from 1 to 300.");
        }
        builder.Services.Configure<DatabaseOptions>(o =>
        {
            o.Provider = provider;
            o.TimeoutSeconds = timeoutSeconds;
        });

        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                AddSqlite(builder, timeoutSeconds);
                break;
            default:
                MongoRegistration.AddMongo(builder, timeoutSeconds);
                break;
        }

        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("database", tags: [ReadyTag]);
        return builder;
    }

    private static void AddSqlite(IHostApplicationBuilder builder, int timeoutSeconds)
    {
        var connectionString = SqliteConnectionString(builder.Configuration.GetConnectionString("Sqlite"), timeoutSeconds);
        builder.Services.AddDbContextPool<ResourceDbContext>(options => options.UseSqlite(connectionString));
        builder.Services.AddSingleton<SqliteWriteGate>();
        // A factory, not an instance, so that disposing the host closes the pooled connections.
        builder.Services.AddSingleton(_ => new SqliteReadPool(connectionString));
        builder.Services.AddScoped<IResourceRepository, SqliteResourceRepository>();
        builder.Services.AddSingleton(new StoreInfo(SqliteResourceRepository.Type));
    }

    internal static string SqliteConnectionString(string? configured, int timeoutSeconds)
    {
        var text = string.IsNullOrWhiteSpace(configured) ? DatabaseOptions.DefaultSqliteConnectionString : configured;
        SqliteConnectionStringBuilder parsed;
        try
        {
            parsed = new SqliteConnectionStringBuilder(text);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new DatabaseConfigurationException(
                $"ConnectionStrings__Sqlite cannot be parsed ({exception.Message}); expected e.g. 'Data Source=crudcqrs.db'.");
        }
        if (string.IsNullOrWhiteSpace(parsed.DataSource))
        {
            throw new DatabaseConfigurationException("ConnectionStrings__Sqlite has no 'Data Source'; expected e.g. 'Data Source=crudcqrs.db'.");
        }
        if (!text.Contains("timeout", StringComparison.OrdinalIgnoreCase))
        {
            // The default of 30 s would hold a request that long on a locked file; answer 503 sooner.
            parsed.DefaultTimeout = timeoutSeconds;
        }
        return parsed.ConnectionString;
    }
}

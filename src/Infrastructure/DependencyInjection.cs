using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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
        var groupCommit = ParseSetting(section, "GroupCommit", true, bool.TryParse, "true or false");
        var synchronous = ParseSetting<SqliteSynchronous>(section, "Synchronous", SqliteSynchronous.Full,
            (string? text, out SqliteSynchronous value) => Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value),
            "Full, Normal or Off");
        builder.Services.Configure<DatabaseOptions>(o =>
        {
            o.Provider = provider;
            o.TimeoutSeconds = timeoutSeconds;
            o.GroupCommit = groupCommit;
            o.Synchronous = synchronous;
        });

        var retentionText = builder.Configuration[$"{IdempotencyOptions.SectionName}:RetentionHours"];
        var retentionHours = 24;
        if (retentionText is not null && (!int.TryParse(retentionText, out retentionHours) || retentionHours is < 1 or > 8760))
        {
            throw new DatabaseConfigurationException(
                $"Idempotency__RetentionHours is '{retentionText}'; accepted values are whole hours from 1 to 8760.");
        }
        builder.Services.Configure<IdempotencyOptions>(o => o.RetentionHours = retentionHours);

        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                AddSqlite(builder, timeoutSeconds, groupCommit, synchronous);
                break;
            default:
                MongoRegistration.AddMongo(builder, timeoutSeconds);
                break;
        }

        builder.Services.AddHostedService<IdempotencySweeper>();
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("database", tags: [ReadyTag]);
        return builder;
    }

    private delegate bool TryParse<T>(string? text, out T value);

    private static T ParseSetting<T>(IConfigurationSection section, string key, T fallback, TryParse<T> tryParse, string accepted)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }
        return tryParse(text.Trim(), out var value)
            ? value
            : throw new DatabaseConfigurationException($"Database__{key} is '{text}'; accepted values are {accepted}.");
    }

    private static void AddSqlite(IHostApplicationBuilder builder, int timeoutSeconds, bool groupCommit, SqliteSynchronous synchronous)
    {
        var connectionString = SqliteConnectionString(builder.Configuration.GetConnectionString("Sqlite"), timeoutSeconds);
        // The schema only: migrations and the start-up backfill run through EF Core, requests through sessions.
        builder.Services.AddDbContext<ResourceDbContext>(options => options.UseSqlite(connectionString));
        // Factories, not instances, so that disposing the host closes the sessions.
        builder.Services.AddSingleton(_ => new SqliteReadPool(connectionString));
        builder.Services.AddSingleton(provider => new SqliteGroupCommit(
            connectionString, synchronous, batching: groupCommit,
            provider.GetRequiredService<CrudTelemetry>(), provider.GetRequiredService<ILogger<SqliteGroupCommit>>()));
        builder.Services.AddScoped<SqliteResourceRepository>();
        builder.Services.AddScoped<IResourceRepository>(provider => provider.GetRequiredService<SqliteResourceRepository>());
        builder.Services.AddScoped<IIdempotencyStore>(provider => provider.GetRequiredService<SqliteResourceRepository>());
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

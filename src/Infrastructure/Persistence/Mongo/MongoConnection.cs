using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>A parsed <c>ConnectionStrings:MongoDb</c>: the client settings and the database named in its path.</summary>
public sealed record MongoConnection(MongoClientSettings Settings, string DatabaseName)
{
    public const string ConfigurationKey = "ConnectionStrings__MongoDb";

    /// <summary>
    /// Parses <paramref name="configured"/> (the default when empty) and bounds every wait by
    /// <paramref name="timeoutSeconds"/>, so an unreachable server answers 503 instead of hanging.
    /// </summary>
    public static MongoConnection Parse(string? configured, int timeoutSeconds)
    {
        var text = string.IsNullOrWhiteSpace(configured) ? DatabaseOptions.DefaultMongoConnectionString : configured.Trim();
        MongoUrl url;
        try
        {
            url = MongoUrl.Create(text);
        }
        catch (Exception exception) when (exception is MongoConfigurationException or ArgumentException or FormatException)
        {
            throw new DatabaseConfigurationException(
                $"{ConfigurationKey} cannot be parsed ({exception.Message}); expected e.g. '{DatabaseOptions.DefaultMongoConnectionString}'.");
        }
        if (string.IsNullOrWhiteSpace(url.DatabaseName))
        {
            throw new DatabaseConfigurationException(
                $"{ConfigurationKey} names no database; put it in the path, e.g. '{DatabaseOptions.DefaultMongoConnectionString}'.");
        }

        var settings = MongoClientSettings.FromUrl(url);
        var timeout = TimeSpan.FromSeconds(timeoutSeconds);
        // Each of these would otherwise wait 30 s or forever.
        settings.ServerSelectionTimeout = timeout;
        settings.ConnectTimeout = timeout;
        settings.WaitQueueTimeout = timeout;
        if (url.SocketTimeout == TimeSpan.Zero)
        {
            // A server that accepts a request and then stalls must not hold the request forever;
            // the margin leaves room for a slow but healthy answer.
            settings.SocketTimeout = timeout + timeout;
        }
        settings.RetryReads = true;
        settings.RetryWrites = true;
        settings.ApplicationName ??= "crudcqrs";
        // Spans carry the command name, collection and server, never the command text.
        settings.TracingOptions = new TracingOptions { QueryTextMaxLength = 0 };
        return new MongoConnection(settings, url.DatabaseName);
    }
}

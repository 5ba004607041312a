using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Idempotency;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

public static class MongoRegistration
{
    /// <summary>
    /// The driver's own <c>ActivitySource</c> (driver 3.7+): one span per command with
    /// <c>db.system.name=mongodb</c>, operation and collection. Subscribe OpenTelemetry to it;
    /// <see cref="MongoConnection"/> keeps the command text (document contents) out of those spans.
    /// </summary>
    public const string MongoActivitySourceName = MongoTelemetry.ActivitySourceName;

    /// <summary>Registers the MongoDB store read from <c>ConnectionStrings:MongoDb</c>; throws <see cref="DatabaseConfigurationException"/> when it cannot work.</summary>
    public static void AddMongo(IHostApplicationBuilder builder, int timeoutSeconds)
    {
        var connection = MongoConnection.Parse(builder.Configuration.GetConnectionString("MongoDb"), timeoutSeconds);
        builder.Services.AddSingleton<IMongoClient>(_ => new MongoClient(connection.Settings));
        builder.Services.AddSingleton(services => new MongoStore(
            services.GetRequiredService<IMongoClient>(), connection.DatabaseName, TimeSpan.FromSeconds(timeoutSeconds)));
        builder.Services.AddSingleton<MongoIndexes>();
        builder.Services.AddScoped<MongoResourceRepository>();
        builder.Services.AddScoped<IResourceRepository>(provider => provider.GetRequiredService<MongoResourceRepository>());
        builder.Services.AddScoped<IIdempotencyStore>(provider => provider.GetRequiredService<MongoResourceRepository>());
        builder.Services.AddSingleton(new StoreInfo(MongoResourceRepository.Type));
    }
}

using CrudCqrs.Application;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrudCqrs.Infrastructure.IntegrationTests.Persistence.Mongo;

public sealed class MongoConnectionTests
{
    [Theory]
    [InlineData("not a connection string")]
    [InlineData("http://localhost:27017/crudcqrs")]
    [InlineData("mongodb://localhost:notaport/crudcqrs")]
    [InlineData("mongodb://localhost:27017/crudcqrs?connectTimeoutMS=soon")]
    public void An_unparseable_string_stops_the_start_naming_the_key(string connectionString)
    {
        var error = Assert.Throws<DatabaseConfigurationException>(() => MongoConnection.Parse(connectionString, 5));

        Assert.Contains("ConnectionStrings__MongoDb", error.Message);
        Assert.Contains("cannot be parsed", error.Message);
    }

    [Theory]
    [InlineData("mongodb://localhost:27017")]
    [InlineData("mongodb://localhost:27017/")]
    [InlineData("mongodb://user:pw@db1,db2/?replicaSet=rs0")]
    public void A_string_without_a_database_name_stops_the_start_naming_the_key(string connectionString)
    {
        var error = Assert.Throws<DatabaseConfigurationException>(() => MongoConnection.Parse(connectionString, 5));

        Assert.Contains("ConnectionStrings__MongoDb", error.Message);
        Assert.Contains("names no database", error.Message);
    }

    [Fact]
    public void The_database_comes_from_the_path_and_every_wait_is_bounded_by_the_timeout()
    {
        var connection = MongoConnection.Parse("mongodb://db1:27017,db2:27018/inventory?replicaSet=rs0", 3);

        Assert.Equal("inventory", connection.DatabaseName);
        Assert.Equal("rs0", connection.Settings.ReplicaSetName);
        Assert.Equal(TimeSpan.FromSeconds(3), connection.Settings.ServerSelectionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), connection.Settings.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(6), connection.Settings.SocketTimeout);
        Assert.True(connection.Settings.RetryWrites);
        Assert.True(connection.Settings.RetryReads);
        Assert.Equal(0, connection.Settings.TracingOptions.QueryTextMaxLength);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void No_string_means_the_documented_default(string? configured)
    {
        var connection = MongoConnection.Parse(configured, 5);

        Assert.Equal("crudcqrs", connection.DatabaseName);
        Assert.Equal("localhost", Assert.Single(connection.Settings.Servers).Host);
    }

    [Fact]
    public void The_mongodb_provider_registers_the_mongo_store_and_reports_its_type()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "MongoDb",
            ["ConnectionStrings:MongoDb"] = "mongodb://127.0.0.1:1/registration",
        });

        // As the host composes them: the repository records idempotency keys in the request's context.
        builder.Services.AddApplication();
        builder.AddInfrastructure();
        using var services = builder.Services.BuildServiceProvider();
        using var scope = services.CreateScope();

        Assert.Equal("mongodb", services.GetRequiredService<StoreInfo>().Type);
        var repository = scope.ServiceProvider.GetRequiredService<IResourceRepository>();
        Assert.IsType<MongoResourceRepository>(repository);
        Assert.Equal("mongodb", repository.StoreType);
        Assert.NotNull(services.GetService<MongoIndexes>());
    }

    [Fact]
    public void A_bad_mongodb_string_stops_the_infrastructure_registration()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "mongodb",
            ["ConnectionStrings:MongoDb"] = "mongodb://localhost:27017",
        });

        var error = Assert.Throws<DatabaseConfigurationException>(() => builder.AddInfrastructure());

        Assert.Contains("ConnectionStrings__MongoDb", error.Message);
    }

    [Fact]
    public void The_driver_activity_source_name_is_exposed_for_opentelemetry()
    {
        Assert.Equal(MongoDB.Driver.MongoTelemetry.ActivitySourceName, MongoRegistration.MongoActivitySourceName);
        Assert.False(string.IsNullOrWhiteSpace(MongoRegistration.MongoActivitySourceName));
    }
}

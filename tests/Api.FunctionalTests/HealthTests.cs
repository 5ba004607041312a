using System.Net;
using System.Text.Json;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Api.FunctionalTests;

public sealed class HealthTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private readonly HttpClient _client = factory.CreateGuardedClient();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_200_when_the_database_is_there(string path)
    {
        var response = await _client.FetchAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Healthy", response.Json.GetProperty("status").GetString());
        Assert.Null(response.Header("Retry-After"));
    }
}

public sealed class DatabaseUnavailableTests(UnpooledService factory) : IClassFixture<UnpooledService>
{
    [Fact]
    public async Task Lost_database_answers_503_with_retry_after_on_api_and_ready_but_live_stays_200()
    {
        var client = factory.CreateGuardedClient();
        var existing = await client.CreateAsync("before the loss");
        Assert.Equal(HttpStatusCode.OK, (await client.FetchAsync("/health/ready")).Status);

        // The directory vanishes, file and all, under the running app.
        SqliteConnection.ClearAllPools();
        Directory.Delete(factory.DirectoryPath, recursive: true);

        var ready = await client.FetchAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.False(string.IsNullOrEmpty(ready.Header("Retry-After")));
        Assert.Equal("Unhealthy", ready.Json.GetProperty("status").GetString());
        ApiCalls.AssertNoLeak(ready.Body);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchAsync("/health/live")).Status);

        var requests = new[]
        {
            await client.PostAsync(new { name = "during the loss" }),
            await client.GetResourceAsync(existing.Id),
            await client.FetchAsync("/api/resources"),
            await client.FetchAsync("/api/search?q=x"),
            await client.PutAsync(existing.Id, new { name = "renamed" }),
            await client.DeleteResourceAsync(existing.Id),
        };
        foreach (var response in requests)
        {
            response.AssertProblem(503, "DatabaseUnavailable");
            Assert.True(int.TryParse(response.Header("Retry-After"), out var seconds) && seconds > 0, response.ToString());
        }
    }
}

public sealed class DatabaseLockedTests(UnpooledService factory) : IClassFixture<UnpooledService>
{
    [Fact]
    public async Task Database_locked_by_another_process_answers_503_within_the_timeout_then_recovers()
    {
        var client = factory.CreateGuardedClient();
        var existing = await client.CreateAsync("before the lock");

        await using (var locker = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False"))
        {
            await locker.OpenAsync();
            await using (var command = locker.CreateCommand())
            {
                // Exclusive locking mode in WAL keeps every other connection out, readers included.
                command.CommandText = "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; SELECT count(*) FROM Resources;";
                await command.ExecuteScalarAsync();
            }

            var started = DateTime.UtcNow;
            var write = await client.PostAsync(new { name = "during the lock" });
            write.AssertProblem(503, "DatabaseUnavailable");
            Assert.NotNull(write.Header("Retry-After"));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));

            var ready = await client.FetchAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
            Assert.NotNull(ready.Header("Retry-After"));

            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await client.FetchAsync("/health/ready")).Status);
        Assert.Equal(existing, (await client.GetResourceAsync(existing.Id)).Resource);
        var names = (await client.ListAllAsync()).Select(r => r.Name).ToArray();
        Assert.Equal(["before the lock"], names);
    }
}

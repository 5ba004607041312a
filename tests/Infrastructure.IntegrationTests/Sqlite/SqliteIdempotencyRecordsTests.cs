using CrudCqrs.Application.Idempotency;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.IntegrationTests.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;

namespace CrudCqrs.Infrastructure.IntegrationTests.Sqlite;

/// <summary>Idempotency records on a real SQLite file: written with the write, rolled back with it, expired, swept.</summary>
public sealed class SqliteIdempotencyRecordsTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
    private static readonly IdempotentAnswer Created = new(201, "{}", "/api/resources/x", "\"1\"");

    private SqliteHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await SqliteHarness.CreateAsync(timeoutSeconds: 5);

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    private SqliteResourceRepository Repository(IdempotentRequest? request) => _harness.Database.CreateRepository(request);

    private static IdempotentRequest Request(string key, DateTimeOffset at) => new("", key, "hash", at, at.AddHours(24), _ => Created);

    private static async Task WriteAsync(SqliteResourceRepository repository, bool commit)
    {
        await using var transaction = await repository.BeginWriteAsync(None);
        await repository.AddAsync(Resource.Create(Guid.CreateVersion7(), "r", null, [], Now), None);
        if (commit)
        {
            await transaction.CommitAsync(new object(), None);
        }
    }

    [Fact]
    public async Task A_record_commits_with_its_write_and_vanishes_with_a_rolled_back_one()
    {
        await WriteAsync(Repository(Request("kept", Now)), commit: true);
        await WriteAsync(Repository(Request("dropped", Now)), commit: false);

        var reader = Repository(null);
        Assert.Equal(new IdempotencyRecord("hash", Created), await reader.FindAsync("", "kept", Now, None));
        Assert.Null(await reader.FindAsync("", "dropped", Now, None));
        Assert.Null(await reader.FindAsync("someone", "kept", Now, None));
    }

    [Fact]
    public async Task A_live_key_cannot_be_recorded_twice_but_an_expired_one_is_replaced()
    {
        await WriteAsync(Repository(Request("k", Now)), commit: true);

        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => WriteAsync(Repository(Request("k", Now.AddHours(1))), commit: true));
        Assert.Equal(1, await Repository(null).CountAsync(None));

        await WriteAsync(Repository(Request("k", Now.AddHours(25))), commit: true);
        Assert.Equal(2, await Repository(null).CountAsync(None));
    }

    [Fact]
    public async Task Expired_keys_are_not_found_and_are_swept_in_batches()
    {
        for (var i = 0; i < 5; i++)
        {
            await WriteAsync(Repository(Request($"k{i}", Now.AddMinutes(i))), commit: true);
        }
        var later = Now.AddHours(24).AddMinutes(2.5);
        var store = Repository(null);

        Assert.Null(await store.FindAsync("", "k0", later, None));
        Assert.NotNull(await store.FindAsync("", "k4", later, None));
        Assert.Equal(2, await store.SweepExpiredAsync(later, limit: 2, None));
        Assert.Equal(1, await store.SweepExpiredAsync(later, limit: 2, None));
        Assert.Equal(0, await store.SweepExpiredAsync(later, limit: 2, None));
        Assert.NotNull(await store.FindAsync("", "k3", later, None));
    }
}

using System.Text.Json;
using CrudCqrs.Application.Behaviors;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using CrudCqrs.TestSupport;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Application.UnitTests.Behaviors;

/// <summary>
/// The behavior over the real SQLite store, one repository and one <see cref="IdempotencyContext"/>
/// per request scope as the host gives them: a new key runs the write, whose commit records it; a
/// repeat is answered from the record; a record of another request is refused; a key another
/// request committed first is answered from that request's record.
/// </summary>
public sealed class IdempotencyBehaviorTests : IDisposable
{
    private const string Key = "key-1";
    private const string Hash = "hash-of-the-request";

    private readonly SqliteTestDatabase _database = SqliteTestDatabase.Create();
    private readonly ManualClock _clock = new(SqliteHandlers.Start);

    /// <summary>One request's scope: its key, the repository that records it, and the pipeline's step.</summary>
    private sealed record Scope(
        IdempotencyContext Idempotency, SqliteResourceRepository Repository, IdempotencyBehavior<CreateResourceCommand, ResourceDto> Behavior, CreateResourceHandler Handler);

    private Scope NewScope(string hash = Hash)
    {
        var now = _clock.GetUtcNow();
        var idempotency = new IdempotencyContext
        {
            Current = new IdempotentRequest("", Key, hash, now, now.AddHours(24), result => Stored((ResourceDto)result!))
            {
                Result = answer => JsonSerializer.Deserialize<ResourceDto>(answer.Body!)! with { ETag = answer.ETag! },
            },
        };
        var repository = new SqliteResourceRepository(_database.ReadPool, _database.Writer, Options.Create(new DatabaseOptions()), idempotency);
        return new Scope(idempotency, repository, new IdempotencyBehavior<CreateResourceCommand, ResourceDto>(idempotency, repository, _clock),
            new CreateResourceHandler(repository, _clock));
    }

    private static IdempotentAnswer Stored(ResourceDto created) =>
        new(201, JsonSerializer.Serialize(created), $"/api/resources/{created.Id}", created.ETag);

    private static Task<ResourceDto> RunAsync(Scope scope, CreateResourceCommand command, Func<Task>? beforeHandler = null) =>
        scope.Behavior.Handle(command, async (message, cancellationToken) =>
        {
            if (beforeHandler is not null)
            {
                await beforeHandler();
            }
            return await scope.Handler.Handle(message, cancellationToken);
        }, CancellationToken.None).AsTask();

    private async Task<int> CountAsync() => (await _database.CreateRepository().ListAsync(0, 100, CancellationToken.None)).Items.Count;

    [Fact]
    public async Task A_new_key_runs_the_write_and_a_repeat_gets_the_stored_answer_without_running_it()
    {
        var first = NewScope();
        var created = await RunAsync(first, new CreateResourceCommand("once", null, null));
        Assert.Null(first.Idempotency.Replayed);

        var repeat = NewScope();
        var handlerRuns = 0;
        var replayed = await RunAsync(repeat, new CreateResourceCommand("once", null, null), () =>
        {
            handlerRuns++;
            return Task.CompletedTask;
        });

        Assert.Equal(0, handlerRuns);
        Assert.Equal(Stored(created), repeat.Idempotency.Replayed);
        Assert.Equal(created.Id, replayed.Id);
        Assert.Equal(created.ETag, replayed.ETag);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task A_key_stored_for_another_request_is_refused_naming_the_header_and_nothing_runs()
    {
        await RunAsync(NewScope(), new CreateResourceCommand("first", null, null));

        var other = NewScope(hash: "hash-of-another-request");
        var handlerRuns = 0;
        var refusal = await Assert.ThrowsAsync<ValidationException>(() => RunAsync(other, new CreateResourceCommand("second", null, null), () =>
        {
            handlerRuns++;
            return Task.CompletedTask;
        }));

        Assert.Equal(0, handlerRuns);
        Assert.Equal([IdempotentRequest.HeaderName], refusal.Errors.Select(e => e.PropertyName));
        Assert.Null(other.Idempotency.Replayed);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task When_another_request_commits_the_key_first_this_write_rolls_back_and_answers_with_the_winners_record()
    {
        var loser = NewScope();
        ResourceDto? winnerCreated = null;

        // The loser's lookup found nothing; the winner (another instance) commits the key before the loser's write does.
        var answer = await RunAsync(loser, new CreateResourceCommand("raced", null, null), async () =>
            winnerCreated = await RunAsync(NewScope(), new CreateResourceCommand("raced", null, null)));

        Assert.NotNull(winnerCreated);
        Assert.Equal(Stored(winnerCreated), loser.Idempotency.Replayed);
        Assert.Equal(winnerCreated.Id, answer.Id);
        Assert.Equal(1, await CountAsync());
    }

    public void Dispose() => _database.Dispose();
}

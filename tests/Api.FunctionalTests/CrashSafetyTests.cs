using System.Collections.Concurrent;
using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Api.FunctionalTests;

/// <summary>
/// An acknowledged write survives SIGKILL: the real service is killed during concurrent creates,
/// updates and deletes (some with an Idempotency-Key), several rounds on one SQLite file, and
/// every restart must show every acknowledged write, no acknowledged delete undone, no dangling
/// dependency, a count header equal to the rows, and every acknowledged key replaying its answer.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const int Rounds = 3;
    private const int Workers = 8;
    /// <summary>Each round kills the process once this many writes were acknowledged (or after <see cref="MaxLoad"/>).</summary>
    private const int AcknowledgedBeforeKill = 40;
    private static readonly TimeSpan MaxLoad = TimeSpan.FromSeconds(10);
    private int _roundAcknowledged;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crudcqrs-functional", "crash-" + Guid.NewGuid().ToString("N"));

    /// <summary>What clients were told: the last acknowledged name of each live resource, acknowledged deletes, keyed creates.</summary>
    private readonly ConcurrentDictionary<string, string> _acknowledged = new();
    private readonly ConcurrentDictionary<string, bool> _deleted = new();
    private readonly ConcurrentDictionary<string, bool> _uncertain = new();
    private readonly ConcurrentBag<KeyedCreate> _keyedCreates = [];
    private readonly ConcurrentBag<string> _unexpected = [];

    private sealed record KeyedCreate(string Key, string Body, string Id);

    public CrashSafetyTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Acknowledged_writes_survive_sigkill_in_every_round()
    {
        var database = Path.Combine(_directory, "crash.db");
        for (var round = 0; round < Rounds; round++)
        {
            await using var api = await StartAsync(database);
            using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            await VerifyStoreAsync(client, round);

            Interlocked.Exchange(ref _roundAcknowledged, 0);
            var load = Enumerable.Range(0, Workers).Select(worker => Task.Run(() => WorkAsync(client, round, worker))).ToArray();
            var started = DateTime.UtcNow;
            while (Volatile.Read(ref _roundAcknowledged) < AcknowledgedBeforeKill && DateTime.UtcNow - started < MaxLoad && !load.All(t => t.IsCompleted))
            {
                await Task.Delay(20);
            }
            api.Kill();
            await Task.WhenAll(load);
        }
        await using (var last = await StartAsync(database))
        {
            using var client = new HttpClient { BaseAddress = last.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            await VerifyStoreAsync(client, Rounds);
        }

        Assert.Empty(_unexpected);
        Assert.True(_acknowledged.Count + _deleted.Count >= Rounds * AcknowledgedBeforeKill / 2, $"too little load to mean anything: {_acknowledged.Count} live, {_deleted.Count} deleted");
    }

    private static Task<ServiceProcess> StartAsync(string database) => ServiceProcess.StartAsync(new ServiceOptions
    {
        DatabasePath = database,
        Settings = new Dictionary<string, string?>
        {
            // Generous: the test is about what a kill leaves behind, not about lock waits on a loaded machine.
            ["Database__TimeoutSeconds"] = "30",
            ["Observability__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        },
    });

    /// <summary>One client: creates (every third with a key, some depending on its own earlier resources), updates and deletes its own resources until the process dies.</summary>
    private async Task WorkAsync(HttpClient client, int round, int worker)
    {
        var random = new Random(round * 100 + worker);
        var mine = new List<string>();
        for (var step = 0; ; step++)
        {
            string? target = null;
            try
            {
                var choice = random.Next(10);
                if (mine.Count < 3 || choice < 5)
                {
                    var dependencies = mine.Count > 0 && random.Next(2) == 0 ? new[] { mine[random.Next(mine.Count)] } : [];
                    var name = $"r{round}-w{worker}-{step}";
                    var body = System.Text.Json.JsonSerializer.Serialize(new { name, dependencies });
                    var key = step % 3 == 0 ? $"crash-{round}-{worker}-{step}" : null;
                    var created = await client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson(body),
                        r => { if (key is not null) { r.Headers.Add("Idempotency-Key", key); } });
                    if (Expect(created, HttpStatusCode.Created))
                    {
                        var id = created.Resource.Id;
                        _acknowledged[id] = name;
                        mine.Add(id);
                        if (key is not null)
                        {
                            _keyedCreates.Add(new KeyedCreate(key, body, id));
                        }
                    }
                }
                else if (choice < 8)
                {
                    target = mine[random.Next(mine.Count)];
                    var name = $"r{round}-w{worker}-{step}-updated";
                    var updated = await client.PutAsync(target, new { name });
                    if (Expect(updated, HttpStatusCode.OK))
                    {
                        _acknowledged[target] = name;
                    }
                }
                else
                {
                    target = mine[random.Next(mine.Count)];
                    var deleted = await client.DeleteResourceAsync(target);
                    if (Expect(deleted, HttpStatusCode.NoContent))
                    {
                        mine.Remove(target);
                        _acknowledged.TryRemove(target, out _);
                        _deleted[target] = true;
                    }
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // The process died with this request unanswered: it may or may not have committed.
                if (target is not null)
                {
                    _uncertain[target] = true;
                }
                return;
            }
        }
    }

    private bool Expect(ApiResponse response, HttpStatusCode status)
    {
        if (response.Status != status)
        {
            _unexpected.Add(response.ToString());
            return false;
        }
        Interlocked.Increment(ref _roundAcknowledged);
        return true;
    }

    private async Task VerifyStoreAsync(HttpClient client, int round)
    {
        var stored = (await client.ListAllAsync()).ToDictionary(r => r.Id);
        var first = await client.FetchAsync($"{ApiCalls.Resources}?limit=1");
        Assert.Equal(stored.Count.ToString(), first.Header("X-Total-Count"));

        foreach (var (id, name) in _acknowledged)
        {
            // An update or delete cut off by the kill may or may not have committed.
            if (_uncertain.ContainsKey(id))
            {
                continue;
            }
            Assert.True(stored.TryGetValue(id, out var resource), $"round {round}: acknowledged resource {id} ({name}) is gone");
            Assert.Equal(name, resource.Name);
        }
        foreach (var id in _deleted.Keys)
        {
            Assert.False(stored.ContainsKey(id), $"round {round}: acknowledged delete of {id} came back");
        }
        foreach (var resource in stored.Values)
        {
            Assert.All(resource.Dependencies, d => Assert.True(stored.ContainsKey(d), $"round {round}: {resource} depends on missing {d}"));
        }
        foreach (var keyed in _keyedCreates)
        {
            var replay = await client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson(keyed.Body),
                r => r.Headers.Add("Idempotency-Key", keyed.Key));
            Assert.True(replay.Status == HttpStatusCode.Created, $"round {round}: replay of {keyed.Key}: {replay}");
            Assert.Equal(keyed.Id, replay.Resource.Id);
        }
        Assert.Equal(stored.Count.ToString(), (await client.FetchAsync($"{ApiCalls.Resources}?limit=1")).Header("X-Total-Count"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Api.FunctionalTests;

/// <summary>Two API processes on real Kestrel sharing one SQLite file.</summary>
public sealed class TwoProcessesFixture : IAsyncLifetime
{
    public string DirectoryPath { get; } = Path.Combine(Path.GetTempPath(), "crudcqrs-functional", "procs-" + Guid.NewGuid().ToString("N"));

    public ServiceProcess First { get; private set; } = null!;

    public ServiceProcess Second { get; private set; } = null!;

    /// <summary>Clients that fail the test on any 500 or leaking problem.</summary>
    public HttpClient FirstClient { get; private set; } = null!;

    public HttpClient SecondClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DirectoryPath);
        var database = Path.Combine(DirectoryPath, "shared.db");
        // Started together: both migrate the same new file at once, as a scaled-out deploy would.
        // A generous store timeout: these tests are about what races leave behind, and a loaded
        // test machine must not turn a long wait for the lock into a 503 (HealthTests cover that).
        var started = await Task.WhenAll(
            ServiceProcess.StartQuietAsync(database, ("Database__TimeoutSeconds", "30")),
            ServiceProcess.StartQuietAsync(database, ("Database__TimeoutSeconds", "30")));
        (First, Second) = (started[0], started[1]);
        FirstClient = First.CreateClient(new ServerErrorGuard());
        SecondClient = Second.CreateClient(new ServerErrorGuard());
    }

    public async Task DisposeAsync()
    {
        FirstClient?.Dispose();
        SecondClient?.Dispose();
        if (First is not null)
        {
            await First.DisposeAsync();
        }
        if (Second is not null)
        {
            await Second.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class RealProcessTests(TwoProcessesFixture processes) : IClassFixture<TwoProcessesFixture>
{
    private HttpClient One => processes.FirstClient;

    private HttpClient Two => processes.SecondClient;

    [Fact]
    public async Task Both_processes_see_the_same_store()
    {
        var created = await One.CreateAsync("made by one");
        var read = await Two.GetResourceAsync(created.Id);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(created, read.Resource);
        Assert.Equal(HttpStatusCode.NoContent, (await Two.DeleteResourceAsync(created.Id)).Status);
        (await One.GetResourceAsync(created.Id)).AssertProblem(404, "NotFoundError");
    }

    [Fact]
    public async Task Opposite_edges_through_two_processes_never_both_succeed()
    {
        var a = await One.CreateAsync("xproc a");
        var b = await Two.CreateAsync("xproc b");
        for (var round = 0; round < 15; round++)
        {
            Assert.Equal(200, (await One.PutAsync(a.Id, new { dependencies = Array.Empty<string>() })).Code);
            Assert.Equal(200, (await Two.PutAsync(b.Id, new { dependencies = Array.Empty<string>() })).Code);

            var results = await Task.WhenAll(
                One.PutAsync(a.Id, new { dependencies = new[] { b.Id } }),
                Two.PutAsync(b.Id, new { dependencies = new[] { a.Id } }));

            Assert.Equal([200, 422], results.Select(r => r.Code).Order().ToArray());
            results.Single(r => r.Code == 422).AssertProblem(422, "CircularDependencyError");
        }
        GraphAssert.IsConsistent(await One.ListAllAsync());
    }

    [Fact]
    public async Task Three_cycle_edges_through_two_processes_leave_exactly_one_out()
    {
        var a = await One.CreateAsync("xtri a");
        var b = await One.CreateAsync("xtri b");
        var c = await One.CreateAsync("xtri c");
        for (var round = 0; round < 10; round++)
        {
            foreach (var id in new[] { a.Id, b.Id, c.Id })
            {
                Assert.Equal(200, (await One.PutAsync(id, new { dependencies = Array.Empty<string>() })).Code);
            }
            var results = await Task.WhenAll(
                One.PutAsync(a.Id, new { dependencies = new[] { b.Id } }),
                Two.PutAsync(b.Id, new { dependencies = new[] { c.Id } }),
                (round % 2 == 0 ? One : Two).PutAsync(c.Id, new { dependencies = new[] { a.Id } }));

            Assert.Equal([200, 200, 422], results.Select(r => r.Code).Order().ToArray());
        }
        GraphAssert.IsConsistent(await Two.ListAllAsync());
    }

    [Fact]
    public async Task Random_writers_on_both_processes_keep_the_graph_acyclic_and_complete()
    {
        var nodes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? One : Two).CreateAsync($"xrandom {i}")));
        var ids = nodes.Select(n => n.Id).ToList();
        var random = new Random(7);
        var operations = new List<Func<Task<ApiResponse>>>();
        for (var i = 0; i < 160; i++)
        {
            var client = i % 2 == 0 ? One : Two;
            var roll = random.Next(10);
            var target = ids[random.Next(ids.Count)];
            var deps = ids.Where(id => id != target && random.Next(3) == 0).ToArray();
            operations.Add(roll switch
            {
                < 6 => () => client.PutAsync(target, new { dependencies = deps }),
                < 8 => () => client.PostAsync(new { name = "xrandom child", dependencies = deps }),
                _ => () => client.DeleteResourceAsync(target, cascade: random.Next(4) == 0),
            });
        }

        var results = new System.Collections.Concurrent.ConcurrentBag<ApiResponse>();
        await Parallel.ForEachAsync(operations, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (op, _) => results.Add(await op()));

        Assert.All(results, r => Assert.True(r.Code is 200 or 201 or 204 or 404 or 422, r.ToString()));
        Assert.Contains(results, r => r.Code == 200);
        var fromOne = await One.ListAllAsync();
        GraphAssert.IsConsistent(fromOne);
        Assert.Equal(fromOne, await Two.ListAllAsync());
    }

    [Fact]
    public async Task Forward_dependencies_added_through_two_processes_keep_the_stored_order_and_the_cursor_walk_whole()
    {
        // Every new edge points from an earlier resource to a later one, so each write forces a
        // re-ordering, and the graph stays acyclic whatever interleaving the two processes see.
        var nodes = new List<ResourceView>();
        for (var i = 0; i < 40; i++)
        {
            nodes.Add(await (i % 2 == 0 ? One : Two).CreateAsync($"xorder {i}"));
        }
        var random = new Random(13);
        var writes = Enumerable.Range(0, 30).Select(i =>
        {
            var from = random.Next(nodes.Count - 1);
            var to = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => nodes[random.Next(from + 1, nodes.Count)].Id).Distinct().ToArray();
            return (Client: i % 2 == 0 ? One : Two, Id: nodes[from].Id, Dependencies: to);
        }).ToArray();

        var results = new System.Collections.Concurrent.ConcurrentBag<ApiResponse>();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (write, _) => results.Add(await write.Client.PutAsync(write.Id, new { dependencies = write.Dependencies })));
        Assert.All(results, r => Assert.True(r.Code == 200, r.ToString()));

        // The stored positions, read from the file itself: unique, and each after its dependencies'.
        var positions = new Dictionary<string, long>();
        var edges = new List<(string Resource, string DependsOn)>();
        await using (var connection = new SqliteConnection($"Data Source={processes.First.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT Id, TopologicalPosition FROM Resources";
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    Assert.False(reader.IsDBNull(1), $"{reader.GetString(0)} has no position");
                    positions.Add(reader.GetString(0), reader.GetInt64(1));
                }
            }
            read.CommandText = "SELECT ResourceId, DependsOnId FROM ResourceDependencies";
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    edges.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }
        Assert.Equal(positions.Count, positions.Values.Distinct().Count());
        Assert.Contains(edges, e => nodes.Any(n => n.Id == e.Resource));
        Assert.All(edges, e => Assert.True(positions[e.DependsOn] < positions[e.Resource], $"{e.Resource} stands before its dependency {e.DependsOn}"));

        // The whole store by cursor, through either process: every resource once, each after
        // everything it depends on, and the same sequence from both.
        var all = await One.ListAllAsync();
        var walkOne = await WalkSearchAsync(One);
        var walkTwo = await WalkSearchAsync(Two);
        Assert.Equal(walkOne, walkTwo);
        Assert.Equal(all.Select(r => r.Id).Order(), walkOne.Order());
        var seen = new HashSet<string>();
        var dependencies = all.ToDictionary(r => r.Id, r => r.Dependencies);
        foreach (var id in walkOne)
        {
            Assert.All(dependencies[id], dependency => Assert.True(seen.Contains(dependency), $"{id} comes before its dependency {dependency}"));
            seen.Add(id);
        }
    }

    /// <summary>The ids of a blank search read to the end by cursor, seven at a time.</summary>
    private static async Task<IReadOnlyList<string>> WalkSearchAsync(HttpClient client)
    {
        var ids = new List<string>();
        var page = await client.FetchAsync("/api/search?limit=7");
        while (true)
        {
            Assert.Equal(HttpStatusCode.OK, page.Status);
            ids.AddRange(page.Resources.Select(r => r.Id));
            if (page.Header("X-Next-Cursor") is not { } next)
            {
                return ids;
            }
            page = await client.FetchAsync($"/api/search?limit=7&cursor={Uri.EscapeDataString(next)}");
        }
    }

    [Fact]
    public async Task Same_if_match_through_two_processes_lets_exactly_one_writer_through()
    {
        var created = await One.PostAsync(new { name = "xoptimistic" });
        var etag = created.ETag!;
        for (var round = 0; round < 8; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
                (i % 2 == 0 ? One : Two).PutAsync(created.Resource.Id, new { name = $"xwriter {round}.{i}" }, ifMatch: etag)));

            Assert.Single(results, r => r.Code == 200);
            Assert.All(results.Where(r => r.Code != 200), r => r.AssertProblem(412, "PreconditionFailed"));
            var current = await Two.GetResourceAsync(created.Resource.Id);
            Assert.Equal(results.Single(r => r.Code == 200).Resource.Name, current.Resource.Name);
            etag = current.ETag!;
        }
    }

    [Fact]
    public async Task Delete_on_one_process_racing_dependents_created_on_the_other_leaves_nothing_dangling()
    {
        for (var round = 0; round < 6; round++)
        {
            var parent = await One.CreateAsync($"xparent {round}");
            var operations = Enumerable.Range(0, 8)
                .Select(i => (Func<Task<ApiResponse>>)(() => Two.PostAsync(new { name = $"xchild {round}.{i}", dependencies = new[] { parent.Id } })))
                .Append(() => One.DeleteResourceAsync(parent.Id, cascade: round % 2 == 0))
                .ToArray();

            var results = await Task.WhenAll(operations.Select(op => Task.Run(op)));

            Assert.All(results, r => Assert.True(r.Code is 201 or 204 or 422, r.ToString()));
            foreach (var refused in results.Where(r => r.Code == 422))
            {
                Assert.Equal(["dependencies[0]"], refused.AssertProblem(422, "ValidationError").ErrorKeys());
            }
            GraphAssert.IsConsistent(await Two.ListAllAsync());
        }
    }

    [Theory]
    [InlineData("POST", true)]
    [InlineData("POST", false)]
    [InlineData("PUT", true)]
    public async Task Body_over_one_mebibyte_is_a_413_problem(string method, bool withLength)
    {
        var existing = await One.CreateAsync("big target");
        var json = "{\"name\":\"big\",\"description\":\"" + new string('d', 1024 * 1024 + 10) + "\"}";
        var bytes = Encoding.UTF8.GetBytes(json);
        HttpContent content = withLength
            ? new ByteArrayContent(bytes)
            // No Content-Length: chunked, so Kestrel's own limit stops the read.
            : new StreamContent(new NonSeekableStream(bytes));
        content.Headers.ContentType = new("application/json");
        var url = method == "POST" ? ApiCalls.Resources : $"{ApiCalls.Resources}/{existing.Id}";
        var before = await One.SnapshotAsync();

        // Kestrel answers 413 and closes the connection without draining the rest of the body;
        // a client that sent it all before reading the answer would see a broken pipe instead.
        var response = await One.SendAsync(new HttpMethod(method), url, content, r => r.Headers.ExpectContinue = true);

        response.AssertProblem(413, "PayloadTooLarge");
        Assert.Equal(before, await One.SnapshotAsync());
    }

    [Fact]
    public async Task Body_of_exactly_the_limit_is_read()
    {
        var prefix = "{\"name\":\"at the limit\",\"description\":\"";
        var suffix = "\"}";
        // Whitespace padding keeps the description under 500 characters after trimming.
        var padding = 1024 * 1024 - prefix.Length - suffix.Length - 3;
        var json = prefix + "abc" + new string(' ', padding) + suffix;
        Assert.Equal(1024 * 1024, Encoding.UTF8.GetByteCount(json));

        var response = await One.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson(json));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("abc", response.Resource.Description);
    }

    [Fact]
    public async Task Ten_kilobyte_id_is_a_404_problem()
    {
        var id = new string('x', 10 * 1024);
        var response = await Two.GetResourceAsync(id);
        var problem = response.AssertProblem(404, "NotFoundError");
        // Named, not echoed whole: the first 64 characters and a mark.
        Assert.Equal(id[..64] + "…", problem.GetProperty("resourceId").GetString());
        Assert.InRange(response.Body.Length, 0, 1024);
        (await One.SendAsync(HttpMethod.Delete, $"{ApiCalls.Resources}/{id}")).AssertProblem(404, "NotFoundError");
    }

    [Fact]
    public async Task Incoming_traceparent_is_joined_on_kestrel()
    {
        var response = await One.SendAsync(HttpMethod.Get, "/api/resources/nope", null,
            r => r.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        var problem = response.AssertProblem(404, "NotFoundError");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", problem.GetProperty("traceId").GetString());
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", response.Header("traceresponse"));
    }

    /// <summary>A stream without a length, so HttpClient sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

using CrudCqrs.Application.Abstractions;
using System.Diagnostics;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.IntegrationTests.Persistence;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CrudCqrs.Infrastructure.IntegrationTests.Sqlite;

/// <summary>
/// The one read path on a real SQLite file, against what was written and against EF Core's LINQ
/// over the same rows (an independent oracle): same fields, dependency order kept, commits from
/// other connections seen at once, the write transaction's own changes seen inside it, and a
/// database span for every read.
/// </summary>
public sealed class SqliteReadPoolTests : IAsyncLifetime
{
    private SqliteHarness _harness = null!;
    private SqliteReadPool _pool = null!;

    public async Task InitializeAsync()
    {
        _harness = await SqliteHarness.CreateAsync(timeoutSeconds: 5);
        // Small on purpose: the concurrency test needs more readers than pooled connections.
        _pool = new SqliteReadPool(_harness.ConnectionString, capacity: 2);
    }

    public async Task DisposeAsync()
    {
        _pool.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Reads_answer_every_field_as_written_with_dependencies_in_list_order()
    {
        var writer = Repository(pooled: false);
        var dependencies = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var dependency = Resource.Create(Guid.CreateVersion7(), $"dep-{i}", i % 2 == 0 ? null : "described", [], Now(i));
            await writer.AddAsync(dependency, CancellationToken.None);
            dependencies.Add(dependency.Id);
        }
        // Stored order differs from id order, so a read that sorted by id would show.
        dependencies.Reverse();
        var shapes = new[]
        {
            Resource.Create(Guid.CreateVersion7(), "none", null, [], Now(10)),
            Resource.Create(Guid.CreateVersion7(), "one", "a single dependency", [dependencies[3]], Now(11)),
            Resource.Create(Guid.CreateVersion7(), "seven", "all of them, reversed", dependencies, Now(12)),
        };
        foreach (var shape in shapes)
        {
            await writer.AddAsync(shape, CancellationToken.None);
        }
        var updated = shapes[2].Update("seven, renamed", null, [dependencies[6], dependencies[0]], Now(20));
        await writer.UpdateAsync(updated, CancellationToken.None);

        var pooled = Repository(pooled: true);
        foreach (var expected in shapes.Take(2).Append(updated))
        {
            AssertSame(expected, (await pooled.FindAsync(expected.Id, CancellationToken.None))!);
        }
        Assert.Equal([dependencies[6], dependencies[0]], (await pooled.FindAsync(updated.Id, CancellationToken.None))!.Dependencies);
        Assert.Null(await pooled.FindAsync(Guid.CreateVersion7(), CancellationToken.None));
    }

    [Fact]
    public async Task Pages_answer_what_ef_core_linq_answers()
    {
        var writer = Repository(pooled: false);
        var stored = new List<Resource>();
        for (var i = 0; i < 23; i++)
        {
            // Dependencies in an order unlike their ids', names that match different texts, some quotes.
            var dependencies = stored.Count >= 3 ? new[] { stored[^1].Id, stored[^3].Id, stored[i / 2].Id }.Distinct().ToArray() : [];
            var resource = Resource.Create(Guid.CreateVersion7(), i % 4 == 0 ? $"Zebra \"finch\" {i}" : $"sparrow {i}",
                i % 3 == 0 ? null : $"ÜBER zebrafinch {i}", dependencies, Now(i));
            await writer.AddAsync(resource, CancellationToken.None);
            stored.Add(resource);
        }
        // A forward dependency on a resource made last, so the search order is not creation order.
        var late = Resource.Create(Guid.CreateVersion7(), "late sparrow", null, [], Now(30));
        await writer.AddAsync(late, CancellationToken.None);
        await writer.UpdateAsync(stored[1].Update(null, null, [late.Id, stored[0].Id], Now(40)), CancellationToken.None);
        var pooled = Repository(pooled: true);
        var oracle = new EfCoreOracle(_harness.Database);

        foreach (var (offset, limit) in new[] { (0, 100), (0, 5), (5, 5), (20, 5), (23, 5), (40, 3) })
        {
            AssertSamePage(oracle.List(offset, limit), await pooled.ListAsync(offset, limit, CancellationToken.None));
        }
        var cursor = new ResourceCursor(stored[6].CreatedAt, stored[6].Id);
        AssertSamePage(oracle.ListAfter(cursor, 4), await pooled.ListAfterAsync(cursor, 4, CancellationToken.None));
        var end = new ResourceCursor(stored[^1].CreatedAt, stored[^1].Id);
        AssertSamePage(oracle.ListAfter(end, 4), await pooled.ListAfterAsync(end, 4, CancellationToken.None));

        foreach (var text in new string?[] { null, "zebra", "FINCH", "über", "\"finch\"", "ra", "r", "1", "nothing here" })
        {
            foreach (var (offset, limit) in new[] { (0, 100), (0, 3), (3, 3), (50, 3) })
            {
                var expected = oracle.Search(text, null, offset, limit);
                var actual = await pooled.SearchAsync(text, offset, limit, CancellationToken.None);
                AssertSamePage(new ResourcePage(expected.Items, expected.TotalCount), new ResourcePage(actual.Items, actual.TotalCount));
                Assert.Equal(expected.LastPosition, actual.LastPosition);
                if (expected.LastPosition is { } last)
                {
                    var next = oracle.Search(text, last, 0, 4);
                    var pooledNext = await pooled.SearchAfterAsync(text, last, 4, CancellationToken.None);
                    AssertSamePage(new ResourcePage(next.Items, next.TotalCount), new ResourcePage(pooledNext.Items, pooledNext.TotalCount));
                    Assert.Equal(next.LastPosition, pooledNext.LastPosition);
                }
            }
        }
        // The texts above exercised every shape (indexed, scanned, blank, no match) against real matches.
        var zebras = stored.Count(r => r.Name.Contains("zebra", StringComparison.OrdinalIgnoreCase) || r.Description?.Contains("zebra", StringComparison.OrdinalIgnoreCase) == true);
        Assert.InRange(zebras, 10, 20);
        Assert.Equal(zebras, (await pooled.SearchAsync("zebra", 0, 100, CancellationToken.None)).TotalCount);
        Assert.Equal(0, (await pooled.SearchAsync("nothing here", 0, 100, CancellationToken.None)).TotalCount);
    }

    [Fact]
    public async Task Page_statements_stay_prepared_from_one_page_to_the_next()
    {
        var writer = Repository(pooled: false);
        for (var i = 0; i < 6; i++)
        {
            await writer.AddAsync(Resource.Create(Guid.CreateVersion7(), $"zebra {i}", null, [], Now(i)), CancellationToken.None);
        }
        var shapes = new[]
        {
            SqlitePageQuery.ListByOffset, SqlitePageQuery.ListAfter,
            SqlitePageQuery.Search(null, false), SqlitePageQuery.Search(null, true),
            SqlitePageQuery.Search(SqliteSearchText.For("ze"), false), SqlitePageQuery.Search(SqliteSearchText.For("ze"), true),
            SqlitePageQuery.Search(SqliteSearchText.For("zebra"), false), SqlitePageQuery.Search(SqliteSearchText.For("zebra"), true),
        };
        await using var connection = new SqliteConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        // An indexed search's statement gives every match (6 zebras); its rows come by rowid, one each.
        var statements = shapes.DistinctBy(shape => shape.Page)
            .Select(shape => (shape.Page.Sql, Rows: shape.ReadsMatches ? (Func<int, int>)(_ => 6) : pageSize => pageSize))
            .Append((SqlitePageQuery.Row.Sql, _ => 1));
        foreach (var (sql, expectedRows) in statements)
        {
            // Read twice with the one statement, as a pooled session does, with other values bound each time.
            var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
            Assert.Equal(raw.SQLITE_OK, rc);
            using (statement)
            {
                foreach (var (limit, text) in new[] { (2, "zebra"), (3, "ze") })
                {
                    raw.sqlite3_reset(statement);
                    BindByName(statement, "$limit", limit);
                    BindByName(statement, "$offset", 1);
                    BindByName(statement, "$after", 0);
                    BindByName(statement, "$afterTime", 0);
                    BindByName(statement, "$afterId", "");
                    BindByName(statement, "$key", text);
                    BindByName(statement, "$match", SqliteSearchText.For(text)!.MatchExpression is { Length: > 0 } match ? match : "\"zeb\"");
                    BindByName(statement, "$row", limit);
                    var rows = 0;
                    while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                    {
                        rows++;
                    }
                    Assert.Equal(raw.SQLITE_DONE, rc);
                    Assert.Equal(expectedRows(limit), rows);
                }
                Assert.True(raw.sqlite3_stmt_status(statement, StatementReprepared, 0) == 0, $"re-prepared on a new binding: {sql}");
            }
        }

        static void BindByName(sqlite3_stmt statement, string name, object value)
        {
            var index = raw.sqlite3_bind_parameter_index(statement, name);
            if (index > 0)
            {
                Assert.Equal(raw.SQLITE_OK, value is int number ? raw.sqlite3_bind_int64(statement, index, number) : raw.sqlite3_bind_text(statement, index, (string)value));
            }
        }
    }

    [Fact]
    public async Task A_page_read_waits_out_a_lock_until_the_timeout_then_fails_busy()
    {
        var writer = Repository(pooled: false);
        await writer.AddAsync(Resource.Create(Guid.CreateVersion7(), "locked out", null, [], Now(0)), CancellationToken.None);
        // A copy in rollback-journal mode, where a writer's exclusive lock keeps readers out (WAL never does).
        var copy = Path.Combine(_harness.DirectoryPath, "journal.db");
        await using (var connection = new SqliteConnection(_harness.ConnectionString))
        {
            await connection.OpenAsync();
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = $"VACUUM INTO '{copy}'";
            await vacuum.ExecuteNonQueryAsync();
        }
        var connectionString = $"Data Source={copy};Default Timeout=1";
        await using var locker = new SqliteConnection(connectionString);
        await locker.OpenAsync();
        await using (var journal = locker.CreateCommand())
        {
            journal.CommandText = "PRAGMA journal_mode=DELETE";
            await journal.ExecuteNonQueryAsync();
        }
        using var pool = new SqliteReadPool(connectionString);
        Assert.Single(pool.Read(session => session.Reader.ListPage(0, 10), CancellationToken.None).Items);
        // A timeout far longer than the lock is held, so a slow machine cannot turn its wait into
        // a failure; read once now, so below it waits in a step of a prepared statement.
        using var patientPool = new SqliteReadPool($"Data Source={copy};Default Timeout=30");
        Assert.Single(patientPool.Read(session => session.Reader.ListPage(0, 10), CancellationToken.None).Items);

        await using var exclusive = locker.CreateCommand();
        exclusive.CommandText = "BEGIN EXCLUSIVE";
        await exclusive.ExecuteNonQueryAsync();
        var clock = Stopwatch.StartNew();
        var busy = Assert.Throws<SqliteException>(() => pool.Read(session => session.Reader.ListPage(0, 10), CancellationToken.None));
        Assert.Equal(raw.SQLITE_BUSY, busy.SqliteErrorCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 10);

        // Released within the timeout: the read waits and answers.
        var read = Task.Run(() => patientPool.Read(session => session.Reader.ListPage(0, 10), CancellationToken.None));
        await Task.Delay(500);
        Assert.False(read.IsCompleted, "the read answered while the database was locked");
        exclusive.CommandText = "COMMIT";
        await exclusive.ExecuteNonQueryAsync();
        Assert.Single((await read).Items);
        // The pool whose read failed busy is not left broken by it.
        Assert.Single(pool.Read(session => session.Reader.ListPage(0, 10), CancellationToken.None).Items);
    }

    [Fact]
    public async Task A_commit_on_another_connection_is_seen_by_the_next_pooled_read()
    {
        var writer = Repository(pooled: false);
        var resource = Resource.Create(Guid.CreateVersion7(), "before", null, [], Now(0));
        await writer.AddAsync(resource, CancellationToken.None);
        Assert.Equal("before", _pool.Read(session => session.Reader.Find(resource.Id), CancellationToken.None)!.Name);

        // The pooled connection stays open between reads; it must not keep an old snapshot.
        await writer.UpdateAsync(resource.Update("after", "changed", null, Now(1)), CancellationToken.None);
        var read = _pool.Read(session => session.Reader.Find(resource.Id), CancellationToken.None)!;
        Assert.Equal("after", read.Name);
        Assert.Equal("changed", read.Description);

        await writer.DeleteAsync([resource.Id], Now(2), CancellationToken.None);
        Assert.Null(_pool.Read(session => session.Reader.Find(resource.Id), CancellationToken.None));
    }

    [Fact]
    public async Task Inside_a_write_transaction_reads_see_the_transactions_own_changes()
    {
        var repository = Repository(pooled: true);
        var resource = Resource.Create(Guid.CreateVersion7(), "committed", null, [], Now(0));
        await repository.AddAsync(resource, CancellationToken.None);

        await using (var transaction = await repository.BeginWriteAsync(CancellationToken.None))
        {
            await repository.UpdateAsync(resource.Update("uncommitted", null, null, Now(1)), CancellationToken.None);
            Assert.Equal("uncommitted", (await repository.FindAsync(resource.Id, CancellationToken.None))!.Name);
            // Rolled back by disposing without a commit.
        }
        Assert.Equal("committed", (await repository.FindAsync(resource.Id, CancellationToken.None))!.Name);
    }

    [Fact]
    public async Task Many_more_concurrent_readers_than_pooled_connections_all_get_their_own_resource()
    {
        var writer = Repository(pooled: false);
        var stored = new List<Resource>();
        for (var i = 0; i < 20; i++)
        {
            var resource = Resource.Create(Guid.CreateVersion7(), $"r-{i}", $"d-{i}", stored.Count > 0 ? [stored[^1].Id] : [], Now(i));
            await writer.AddAsync(resource, CancellationToken.None);
            stored.Add(resource);
        }

        var reads = Enumerable.Range(0, 400).Select(i => Task.Run(() =>
        {
            var expected = stored[i % stored.Count];
            return (expected, actual: _pool.Read(session => session.Reader.Find(expected.Id), CancellationToken.None));
        }));
        foreach (var (expected, actual) in await Task.WhenAll(reads))
        {
            Assert.NotNull(actual);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Dependencies, actual.Dependencies);
        }
    }

    [Fact]
    public async Task Every_read_has_a_database_client_span()
    {
        var writer = Repository(pooled: false);
        var resource = Resource.Create(Guid.CreateVersion7(), "traced", null, [], Now(0));
        await writer.AddAsync(resource, CancellationToken.None);

        // Other test classes write through the same source at the same time: only this trace's spans count.
        using var operation = new Activity("operation").Start();
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SqliteSession.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.TraceId == operation.TraceId) { lock (spans) { spans.Add(activity); } } },
        };
        ActivitySource.AddActivityListener(listener);

        _pool.Read(session => session.Reader.Find(resource.Id), CancellationToken.None);
        _pool.Read(session => session.Reader.Find(Guid.CreateVersion7()), CancellationToken.None);

        Assert.Equal(2, spans.Count);
        Assert.All(spans, span => Assert.Equal(operation.SpanId, span.ParentSpanId));
        Assert.All(spans, span =>
        {
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("SELECT Resources", span.DisplayName);
            Assert.Equal("sqlite", span.GetTagItem("db.system.name"));
            Assert.Equal("test.db", span.GetTagItem("db.namespace"));
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
        });
    }

    [Fact]
    public async Task With_pooling_off_no_connection_is_kept_so_a_vanished_file_is_noticed()
    {
        var writer = Repository(pooled: false);
        var resource = Resource.Create(Guid.CreateVersion7(), "kept?", null, [], Now(0));
        await writer.AddAsync(resource, CancellationToken.None);
        var copy = Path.Combine(_harness.DirectoryPath, "copy.db");
        await using (var connection = new SqliteConnection(_harness.ConnectionString))
        {
            await connection.OpenAsync();
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = $"VACUUM INTO '{copy}'";
            await vacuum.ExecuteNonQueryAsync();
        }
        using var unpooled = new SqliteReadPool($"Data Source={copy};Mode=ReadWrite;Pooling=False");
        Assert.Equal("kept?", unpooled.Read(session => session.Reader.Find(resource.Id), CancellationToken.None)!.Name);

        File.Delete(copy);

        // A kept connection would still read the unlinked file; a new one cannot open it.
        Assert.Throws<SqliteException>(() => unpooled.Read(session => session.Reader.Find(resource.Id), CancellationToken.None));
    }

    [Fact]
    public void The_direct_reads_call_the_library_the_sqlite_bundle_loads()
    {
        // SqliteReadStatement steps statements through its own imports of this library: were the
        // bundle to load another, they would call a second copy of SQLite on the same handles.
        Assert.Equal(SqliteReadStatement.Library, raw.GetNativeLibraryName());
    }

    /// <summary>SQLITE_STMTSTATUS_REPREPARE, which SQLitePCLRaw does not name.</summary>
    private const int StatementReprepared = 5;

    /// <summary>A request scope's repository; <paramref name="pooled"/> only says what the test uses it for (one read path serves both).</summary>
    private SqliteResourceRepository Repository(bool pooled) => _harness.Database.CreateRepository();

    private static DateTimeOffset Now(int step) => new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(step);

    private static void AssertSamePage(ResourcePage expected, ResourcePage actual)
    {
        Assert.Equal(expected.TotalCount, actual.TotalCount);
        Assert.Equal(expected.Items.Count, actual.Items.Count);
        for (var i = 0; i < expected.Items.Count; i++)
        {
            AssertSame(expected.Items[i], actual.Items[i]);
        }
    }

    private static void AssertSame(Resource expected, Resource actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.Dependencies, actual.Dependencies);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.Version, actual.Version);
    }
}

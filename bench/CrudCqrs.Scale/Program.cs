using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

// Fills SQLite with N resources, starts the real service on that file and times, over HTTP, the
// operations whose cost must stay flat as the store grows. Prints one markdown table per run with
// ratios against the smallest size. Usage:
//   dotnet run -c Release --project bench/CrudCqrs.Scale -- [--sizes 1000,100000,1000000] [--quick] [--write-docs]
var sizes = new List<int> { 1_000, 100_000, 1_000_000 };
var quick = args.Contains("--quick");
var writeDocs = args.Contains("--write-docs");
var sizesIndex = Array.IndexOf(args, "--sizes");
if (sizesIndex >= 0 && sizesIndex + 1 < args.Length)
{
    sizes = args[sizesIndex + 1].Split(',', ' ').Where(s => s.Length > 0).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
}
var repetitions = quick ? 20 : 200;
var fillOnly = Array.IndexOf(args, "--fill-only");
if (fillOnly >= 0 && fillOnly + 1 < args.Length)
{
    // Leaves a filled database behind for looking at query plans by hand.
    var planted = await GraphFiller.FillAsync(args[fillOnly + 1], sizes[0]);
    Console.WriteLine($"chain end {planted.Chain[^1]}, subtree root {planted.SubtreeRoot}, needle {planted.Needle}");
    return;
}

Console.Error.WriteLine("service: RateLimit__Enabled=false (the per-client limiter is off), Auth__Mode=None");
var results = new List<ScaleRun>();
foreach (var size in sizes)
{
    Console.Error.WriteLine($"== {size:N0} resources");
    results.Add(await ScaleRun.MeasureAsync(size, repetitions));
}
var table = ScaleRun.Table(results);
Console.WriteLine(table);
if (writeDocs)
{
    var path = Path.Combine(Repo.Root, "docs", "performance-scale.md");
    await File.WriteAllTextAsync(path, $"<!-- written by bench/CrudCqrs.Scale on {DateTime.UtcNow:u} -->\n{Environment.NewLine}{table}");
    Console.Error.WriteLine("wrote " + path);
}

internal sealed record Timing(string Operation, double MedianMs, double P95Ms, double P99Ms);

/// <param name="BackfillPeakMb">Peak resident memory of the process that computed the positions at start (VmHWM when ready).</param>
/// <param name="ServingStartMb">Resident memory of the measured process, started again on the filled store, when ready (VmRSS).</param>
/// <param name="ServingSearchPeakMb">Its peak resident memory once the reads, list pages and searches are timed (VmHWM).</param>
/// <param name="ServingPeakMb">Its peak resident memory after the whole workload, writes and cascade included (VmHWM).</param>
internal sealed record ScaleRun(
    int Size, TimeSpan FillTime, TimeSpan StartTime, long BackfillPeakMb, long ServingStartMb, long ServingSearchPeakMb, long ServingPeakMb,
    IReadOnlyList<Timing> Timings)
{
    public static async Task<ScaleRun> MeasureAsync(int size, int repetitions)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"crudcqrs-scale-{size}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var database = Path.Combine(directory, "scale.db");
            var fill = Stopwatch.StartNew();
            var graph = await GraphFiller.FillAsync(database, size);
            fill.Stop();
            Console.Error.WriteLine($"   filled in {fill.Elapsed.TotalSeconds:0.0} s");

            // The filler leaves positions empty, as an upgraded store has them: the service
            // computes them at start, so the start time includes that one-time backfill.
            var started = Stopwatch.StartNew();
            long backfillPeak;
            using (var upgrading = await Service.StartAsync(database, directory))
            {
                started.Stop();
                backfillPeak = upgrading.ResidentMb("VmHWM");
            }
            Console.Error.WriteLine($"   service ready (positions backfilled) in {started.Elapsed.TotalSeconds:0.0} s, peak {backfillPeak:N0} MB");

            // The measured process starts again on the upgraded store, so its memory is what
            // serving costs, not what the one-time backfill held.
            using var service = await Service.StartAsync(database, directory);
            var servingStart = service.ResidentMb("VmRSS");
            var timings = await Workload.RunAsync(service.Client, graph, repetitions, () => service.ResidentMb("VmHWM"));
            var searchPeak = timings.SearchPeakMb;
            Console.Error.WriteLine($"   serving process: {servingStart:N0} MB when ready, peak {searchPeak:N0} MB after the reads and searches");
            return new ScaleRun(size, fill.Elapsed, started.Elapsed, backfillPeak, servingStart, searchPeak, service.ResidentMb("VmHWM"), timings.Timings);
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static string Sizes(IReadOnlyList<ScaleRun> runs, Func<ScaleRun, long> megabytes) =>
        string.Join(", ", runs.Select(r => $"{r.Size:N0}: {megabytes(r):N0} MB"));

    public static string Table(IReadOnlyList<ScaleRun> runs)
    {
        var builder = new StringBuilder();
        var baseline = runs[0];
        builder.AppendLine($"| operation | {string.Join(" | ", runs.Select(r => $"{r.Size:N0}: median ms (p95 / p99)"))} | {string.Join(" | ", runs.Skip(1).Select(r => $"ratio {r.Size:N0}/{baseline.Size:N0}"))} |");
        builder.AppendLine($"| --- |{string.Concat(Enumerable.Repeat(" --- |", runs.Count * 2 - 1))}");
        for (var row = 0; row < baseline.Timings.Count; row++)
        {
            // Rows line up by position: a name may carry a size (a chain is shorter in a small store).
            var cells = runs.Select(r => r.Timings[row]).ToArray();
            builder.Append($"| {cells[^1].Operation} | ");
            builder.Append(string.Join(" | ", cells.Select(c => $"{c.MedianMs:0.00} ({c.P95Ms:0.00} / {c.P99Ms:0.00})")));
            foreach (var cell in cells.Skip(1))
            {
                builder.Append($" | {cell.MedianMs / cells[0].MedianMs:0.00}×");
            }
            builder.AppendLine(" |");
        }
        builder.AppendLine();
        builder.AppendLine($"Fill times: {string.Join(", ", runs.Select(r => $"{r.Size:N0} in {r.FillTime.TotalSeconds:0.0} s"))}.");
        builder.AppendLine($"Service start including the one-time position backfill: {string.Join(", ", runs.Select(r => $"{r.Size:N0} in {r.StartTime.TotalSeconds:0.0} s"))}.");
        builder.AppendLine($"Peak resident memory of the process that backfilled the positions (VmHWM when ready): {Sizes(runs, r => r.BackfillPeakMb)}.");
        builder.AppendLine("The measured service is that process's successor, started again on the upgraded store:");
        builder.AppendLine($"resident when ready (VmRSS) {Sizes(runs, r => r.ServingStartMb)}; peak (VmHWM) after the reads, list pages and searches {Sizes(runs, r => r.ServingSearchPeakMb)}; peak after the whole workload (writes and the cascade included) {Sizes(runs, r => r.ServingPeakMb)}.");
        return builder.ToString();
    }
}

/// <summary>What the filler planted for the workload to use.</summary>
internal sealed record PlantedGraph(string[] Ids, string[] Chain, string SubtreeRoot, int SubtreeSize, string Needle, int ForwardDependencies);

internal static class GraphFiller
{
    public const int ChainLength = 500;
    public const int SubtreeSize = 1_000;

    /// <summary>
    /// Schema through the real migrations, rows through prepared statements in one transaction:
    /// mostly shallow resources (0–3 dependencies on recent ones), one long chain for deep cycle
    /// checks, one 1,000-node subtree for the cascade, and ten needles for the selective search.
    /// One resource in a hundred also depends on a later root (a forward dependency), so the
    /// dependency order is not creation order. Positions stay empty: the service fills them at start.
    /// </summary>
    public static async Task<PlantedGraph> FillAsync(string path, int size)
    {
        var connectionString = $"Data Source={path};Pooling=False";
        await using (var db = new ResourceDbContext(new DbContextOptionsBuilder<ResourceDbContext>().UseSqlite(connectionString).Options))
        {
            await db.Database.MigrateAsync();
        }

        var random = new Random(42);
        var ids = new string[size];
        var start = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
            pragma.ExecuteNonQuery();
        }
        using var transaction = connection.BeginTransaction();
        using var insertResource = connection.CreateCommand();
        insertResource.Transaction = transaction;
        insertResource.CommandText = "INSERT INTO Resources (Id, Name, NameKey, Description, DescriptionKey, CreatedAt, UpdatedAt, Version) VALUES ($id, $name, $key, $d, $dk, $t, $t, 1)";
        var pId = insertResource.Parameters.Add("$id", SqliteType.Text);
        var pName = insertResource.Parameters.Add("$name", SqliteType.Text);
        var pKey = insertResource.Parameters.Add("$key", SqliteType.Text);
        var pDescription = insertResource.Parameters.Add("$d", SqliteType.Text);
        var pDescriptionKey = insertResource.Parameters.Add("$dk", SqliteType.Text);
        var pTime = insertResource.Parameters.Add("$t", SqliteType.Integer);
        using var insertEdge = connection.CreateCommand();
        insertEdge.Transaction = transaction;
        insertEdge.CommandText = "INSERT INTO ResourceDependencies (ResourceId, DependsOnId, Position) VALUES ($r, $d, $p)";
        var eResource = insertEdge.Parameters.Add("$r", SqliteType.Text);
        var eDependency = insertEdge.Parameters.Add("$d", SqliteType.Text);
        var ePosition = insertEdge.Parameters.Add("$p", SqliteType.Integer);
        insertResource.Prepare();
        insertEdge.Prepare();

        var chainStart = size / 3;
        var chainLength = Math.Min(ChainLength, size / 4);
        var subtreeStart = size / 2;
        var subtreeSize = Math.Min(SubtreeSize, size / 4);
        var needleEvery = Math.Max(1, size / 10);
        const string needle = "zebrafinch";
        var forwardEdges = new List<(int From, int To, int Position)>();
        for (var i = 0; i < size; i++)
        {
            var time = start + i;
            ids[i] = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(time)).ToString("D");
            var name = i % needleEvery == 7 ? $"{needle} {i}" : $"resource {i}";
            pId.Value = ids[i];
            pName.Value = name;
            pKey.Value = name.ToLowerInvariant();
            pDescription.Value = i % 3 == 0 ? $"service number {i} of the fleet" : DBNull.Value;
            pDescriptionKey.Value = i % 3 == 0 ? $"service number {i} of the fleet" : DBNull.Value;
            pTime.Value = time;
            insertResource.ExecuteNonQuery();

            // Shallow by default: every tenth resource is a root with no dependencies, the others
            // use 0–3 recent roots. The planted chain and subtree are the only deep parts, so a
            // cycle check reads what it must and no more.
            var dependencies = new List<string>();
            if (i > chainStart && i < chainStart + chainLength)
            {
                dependencies.Add(ids[i - 1]);
            }
            else if (i > subtreeStart && i < subtreeStart + subtreeSize)
            {
                dependencies.Add(ids[subtreeStart + (i - subtreeStart - 1) / 4]);
            }
            else if (i % 10 != 0 && i != chainStart && i != subtreeStart && i > 20)
            {
                var count = random.Next(4);
                for (var d = 0; d < count; d++)
                {
                    var root = (i / 10 - random.Next(Math.Min(i / 10, 100))) * 10;
                    if (root == chainStart || root == subtreeStart || root >= i)
                    {
                        continue;
                    }
                    if (!dependencies.Contains(ids[root]) && (root < chainStart || root >= chainStart + chainLength) && (root < subtreeStart || root >= subtreeStart + subtreeSize))
                    {
                        dependencies.Add(ids[root]);
                    }
                }
            }
            if (i % 100 == 55)
            {
                // A later root: roots depend on nothing, so this never closes a cycle. Stored
                // once the root exists, below.
                var root = (i / 10 + 1 + random.Next(20)) * 10;
                bool Planted(int n) => (n >= chainStart && n < chainStart + chainLength) || (n >= subtreeStart && n < subtreeStart + subtreeSize);
                if (root < size && !Planted(root) && !Planted(i))
                {
                    forwardEdges.Add((i, root, dependencies.Count));
                }
            }
            for (var p = 0; p < dependencies.Count; p++)
            {
                eResource.Value = ids[i];
                eDependency.Value = dependencies[p];
                ePosition.Value = p;
                insertEdge.ExecuteNonQuery();
            }
        }
        foreach (var (from, to, position) in forwardEdges)
        {
            eResource.Value = ids[from];
            eDependency.Value = ids[to];
            ePosition.Value = position;
            insertEdge.ExecuteNonQuery();
        }
        transaction.Commit();
        var chain = ids.Skip(chainStart).Take(chainLength).ToArray();
        return new PlantedGraph(ids, chain, ids[subtreeStart], subtreeSize, needle, forwardEdges.Count);
    }
}

internal static class Workload
{
    /// <param name="peakMb">Reads the service's peak resident memory; taken once the reads and searches are timed.</param>
    public static async Task<(IReadOnlyList<Timing> Timings, long SearchPeakMb)> RunAsync(HttpClient client, PlantedGraph graph, int repetitions, Func<long> peakMb)
    {
        var random = new Random(7);
        string AnyId() => graph.Ids[random.Next(graph.Ids.Length)];
        var timings = new List<Timing>
        {
            await TimeAsync("read by id", repetitions, () => client.GetAsync($"/api/resources/{AnyId()}")),
            await TimeAsync("create with 5 dependencies", repetitions, () =>
                client.PostAsJsonAsync("/api/resources", new { name = "new", dependencies = Enumerable.Range(0, 5).Select(_ => AnyId()).Distinct().ToArray() })),
        };

        // Deep cycle check: a fresh resource takes the chain's last link as a dependency, so the
        // check walks the whole chain; every other request clears it again (removing never walks).
        var walker = (await (await client.PostAsJsonAsync("/api/resources", new { name = "walker" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        timings.Add(await TimeAsync($"update with a {graph.Chain.Length}-deep cycle check", repetitions,
            () => client.PutAsJsonAsync($"/api/resources/{walker}", new { dependencies = new[] { graph.Chain[^1] } }),
            before: () => client.PutAsJsonAsync($"/api/resources/{walker}", new { dependencies = Array.Empty<string>() })));

        timings.Add(await TimeAsync("selective search (10 matches)", repetitions, () => client.GetAsync($"/api/search?q={graph.Needle}")));
        var deepOffset = graph.Ids.Length * 9 / 10;
        timings.Add(await TimeAsync($"list page at offset 90%", repetitions, () => client.GetAsync($"/api/resources?offset={deepOffset}&limit=100")));
        var before = await client.GetAsync($"/api/resources?offset={deepOffset - 100}&limit=100");
        var cursor = before.Headers.GetValues("X-Next-Cursor").Single();
        timings.Add(await TimeAsync("list page at 90% by cursor", repetitions, () => client.GetAsync($"/api/resources?cursor={Uri.EscapeDataString(cursor)}&limit=100")));

        timings.AddRange(await SearchPagesAsync(client, graph, repetitions));
        var searchPeak = peakMb();
        timings.AddRange(await DependencyOrderWritesAsync(client, graph, repetitions));

        var cascade = Stopwatch.StartNew();
        var deleted = await client.DeleteAsync($"/api/resources/{graph.SubtreeRoot}?cascade=true");
        cascade.Stop();
        deleted.EnsureSuccessStatusCode();
        var once = cascade.Elapsed.TotalMilliseconds;
        timings.Add(new Timing($"cascade delete of a {graph.SubtreeSize}-resource subtree (once)", once, once, once));
        return (timings, searchPeak);
    }

    /// <summary>Search pages in the stored dependency order: the first, and one 90 % deep by cursor.</summary>
    private static async Task<IReadOnlyList<Timing>> SearchPagesAsync(HttpClient client, PlantedGraph graph, int repetitions)
    {
        var timings = new List<Timing>
        {
            await TimeAsync($"blank search, first page (limit 20; {graph.ForwardDependencies:N0} forward dependencies stored)", repetitions,
                () => client.GetAsync("/api/search?limit=20")),
        };
        var deep = graph.Ids.Length * 9 / 10;
        var before = await client.GetAsync($"/api/search?offset={deep - 20}&limit=20");
        var cursor = before.Headers.GetValues("X-Next-Cursor").Single();
        timings.Add(await TimeAsync("blank search, page at 90% by cursor (limit 20)", repetitions,
            () => client.GetAsync($"/api/search?limit=20&cursor={Uri.EscapeDataString(cursor)}")));
        return timings;
    }

    /// <summary>
    /// The writes that keep the dependency order: a forward dependency (the order must change), a
    /// backward one (it need not), and the worst case, a forward dependency that moves a whole chain.
    /// </summary>
    private static async Task<IReadOnlyList<Timing>> DependencyOrderWritesAsync(HttpClient client, PlantedGraph graph, int repetitions)
    {
        var random = new Random(11);
        var timings = new List<Timing>();

        // Roots (every tenth resource) in the first third, clear of the planted chain and subtree:
        // those at 20k gain dependencies, those at 20k + 10 never do, so no write closes a cycle.
        // A root at 20k has later resources depending on it, which a forward dependency must move too.
        var groups = graph.Ids.Length / 3 / 20;
        var spread = Math.Min(50, groups / 2);
        string Root(int group, int offset) => graph.Ids[group * 20 + offset];
        timings.Add(await TimeAsync("update adding a forward dependency (random, up to 1,000 resources apart)", repetitions, () =>
        {
            var group = random.Next(0, groups - spread);
            return client.PutAsJsonAsync($"/api/resources/{Root(group, 0)}", new { dependencies = new[] { Root(group + random.Next(1, spread), 10) } });
        }));
        timings.Add(await TimeAsync("update adding a backward dependency (random)", repetitions, () =>
        {
            var group = random.Next(spread, groups);
            return client.PutAsJsonAsync($"/api/resources/{Root(group, 0)}", new { dependencies = new[] { Root(group - random.Next(1, spread), 10) } });
        }));

        // Worst case: the chain's first link takes a dependency on a resource created just now,
        // so the whole chain (and whatever depends on it) moves after it.
        string? newest = null;
        timings.Add(await TimeAsync($"update adding a forward dependency that moves the {graph.Chain.Length}-link chain (worst case)", repetitions,
            () => client.PutAsJsonAsync($"/api/resources/{graph.Chain[0]}", new { dependencies = new[] { newest } }),
            before: async () =>
            {
                var created = await client.PostAsJsonAsync("/api/resources", new { name = "newest" });
                newest = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                return created;
            }));
        return timings;
    }

    /// <summary>Median and p95 of <paramref name="call"/> after a warm-up; <paramref name="before"/> runs untimed before each call.</summary>
    private static async Task<Timing> TimeAsync(string operation, int repetitions, Func<Task<HttpResponseMessage>> call, Func<Task<HttpResponseMessage>>? before = null)
    {
        for (var i = 0; i < Math.Max(3, repetitions / 10); i++)
        {
            if (before is not null)
            {
                (await before()).EnsureSuccessStatusCode();
            }
            (await call()).EnsureSuccessStatusCode();
        }
        var samples = new double[repetitions];
        for (var i = 0; i < repetitions; i++)
        {
            if (before is not null)
            {
                (await before()).EnsureSuccessStatusCode();
            }
            var started = Stopwatch.GetTimestamp();
            using var response = await call();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
        }
        Array.Sort(samples);
        Console.Error.WriteLine($"   {operation}: {samples[repetitions / 2]:0.00} ms");
        return new Timing(operation, samples[repetitions / 2], samples[(int)(repetitions * 0.95)], samples[Math.Min(repetitions - 1, (int)(repetitions * 0.99))]);
    }
}

internal sealed class Service : IDisposable
{
    private readonly Process _process;

    private Service(Process process, HttpClient client)
    {
        _process = process;
        Client = client;
    }

    public HttpClient Client { get; }

    /// <summary>A resident-memory line of /proc/PID/status in MB: <c>VmRSS</c> (now) or <c>VmHWM</c> (the peak so far).</summary>
    public long ResidentMb(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public static async Task<Service> StartAsync(string database, string directory)
    {
        var port = FreePort();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(Repo.Root, "src", "Api", "bin", configuration, "net10.0", "CrudCqrs.Api.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={database}";
        start.Environment["Observability__Enabled"] = "false";
        // Measures the store, not the per-client limiter (one client here calls far above its rate).
        start.Environment["Auth__Mode"] = "None";
        start.Environment["RateLimit__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("   service: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return new Service(process, client);
                }
            }
            catch (HttpRequestException)
            {
            }
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {process.ExitCode}");
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("the service did not become ready");
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}

internal static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CrudCqrs.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("CrudCqrs.sln not found");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using CrudCqrs.Scale;

// Fills SQLite with N resources, starts the real service over it, and times the operations whose
// cost must stay flat as the store grows. Usage in docs/performance.md.
var options = ScaleOptions.Parse(args);
var repositoryRoot = FindRepositoryRoot();
var apiDll = options.ApiDll ?? DefaultApiDll(repositoryRoot);
if (!File.Exists(apiDll))
{
    Console.Error.WriteLine($"crudcqrs-scale: {apiDll} does not exist; build src/Api first or pass --api PATH.");
    return 2;
}
var workDirectory = options.WorkDirectory ?? Directory.CreateTempSubdirectory("crudcqrs-scale-").FullName;
Directory.CreateDirectory(workDirectory);
Console.WriteLine($"Service: {apiDll}");
Console.WriteLine($"Work directory: {workDirectory}; sizes {string.Join(", ", options.Sizes)}; {options.Repetitions} repetitions after {options.WarmUp} warm-up (cascade: {options.CascadeRepetitions})");

var results = new List<SizeResult>();
try
{
    foreach (var size in options.Sizes)
    {
        results.Add(await Measure(size));
    }
}
finally
{
    if (options.WorkDirectory is null)
    {
        Directory.Delete(workDirectory, recursive: true);
    }
}

var report = Report.Markdown(results, options);
Console.WriteLine();
Console.WriteLine(report);
if (options.WriteDocs)
{
    var docs = Path.Combine(repositoryRoot, "docs", "performance.md");
    Report.WriteBetweenMarkers(docs, "scale", report);
    Console.WriteLine($"Written to {docs}");
}
return 0;

async Task<SizeResult> Measure(int size)
{
    var fillWatch = Stopwatch.StartNew();
    var fixture = Fixture.Create(Path.Combine(workDirectory, $"scale-{size}.db"), size);
    fillWatch.Stop();
    Console.WriteLine($"[{size}] filled in {fillWatch.Elapsed.TotalSeconds:0.0} s ({fixture.FileBytes / 1048576.0:0.0} MiB); starting the service");

    await using var service = await ServiceProcess.StartAsync(apiDll, fixture.ConnectionString);
    using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    var random = new Random(7);
    Guid AnyId() => fixture.Ids[random.Next(fixture.Ids.Length)];
    var operations = new List<OperationResult>();

    async Task Time(string name, Func<int, Task> request, int warmUp, int repetitions, Func<Task>? prepare = null)
    {
        var samples = new List<double>(repetitions);
        for (var i = 0; i < warmUp + repetitions; i++)
        {
            if (prepare is not null)
            {
                await prepare();
            }
            var started = Stopwatch.GetTimestamp();
            await request(i);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i >= warmUp)
            {
                samples.Add(elapsed);
            }
        }
        operations.Add(new OperationResult(name, samples));
        Console.WriteLine($"[{size}] {name}: median {Statistics.Median(samples):0.000} ms, p95 {Statistics.Percentile(samples, 95):0.000} ms");
    }

    await Time("Read by id", async _ =>
    {
        using var response = await client.GetAsync($"api/resources/{AnyId()}");
        Expect(response, HttpStatusCode.OK);
    }, options.WarmUp, options.Repetitions);

    await Time("Create with 5 dependencies", async i =>
    {
        var dependencies = new HashSet<string>();
        while (dependencies.Count < 5)
        {
            dependencies.Add(AnyId().ToString());
        }
        using var response = await client.PostAsJsonAsync("api/resources",
            new { name = $"created-{i}", description = "made by the scale run", dependencies });
        Expect(response, HttpStatusCode.Created);
    }, options.WarmUp, options.Repetitions);

    await Time($"Update, cycle check {Fixture.ChainLength} deep", async i =>
    {
        // Alternating targets: every update adds an edge, so every update walks the whole chain.
        var target = i % 2 == 0 ? fixture.ChainTail : fixture.ChainBeforeTail;
        using var response = await client.PutAsJsonAsync($"api/resources/{fixture.UpdateTarget}",
            new { dependencies = new[] { target.ToString() } });
        Expect(response, HttpStatusCode.OK);
    }, options.WarmUp, options.Repetitions);

    await Time($"Search, {fixture.NeedlesStored} matches", async _ =>
    {
        using var response = await client.GetAsync($"api/search?q={Fixture.NeedleTerm}");
        Expect(response, HttpStatusCode.OK);
        var total = response.Headers.TryGetValues("X-Total-Count", out var values) ? values.First() : "?";
        if (total != fixture.NeedlesStored.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"Search found {total} resources, expected {fixture.NeedlesStored}.");
        }
    }, options.WarmUp, options.Repetitions);

    var deepOffset = size * 9 / 10;
    await Time($"List, page at offset 90%", async _ =>
    {
        using var response = await client.GetAsync($"api/resources?offset={deepOffset}&limit=100");
        Expect(response, HttpStatusCode.OK);
    }, options.WarmUp, options.Repetitions);

    var subtreeRoot = Guid.Empty;
    await Time($"Cascade delete of {Fixture.SubtreeSize}", async _ =>
    {
        using var response = await client.DeleteAsync($"api/resources/{subtreeRoot}?cascade=true");
        Expect(response, HttpStatusCode.NoContent);
    }, 1, options.CascadeRepetitions, prepare: () =>
    {
        subtreeRoot = fixture.InsertSubtree();
        return Task.CompletedTask;
    });

    return new SizeResult(size, fillWatch.Elapsed, fixture.FileBytes, operations);
}

static void Expect(HttpResponseMessage response, HttpStatusCode status)
{
    if (response.StatusCode != status)
    {
        throw new InvalidOperationException(
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)status}: "
            + response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }
}

static string FindRepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CrudCqrs.sln")))
            {
                return directory.FullName;
            }
        }
    }
    throw new InvalidOperationException("Run inside the repository (no CrudCqrs.sln found above here).");
}

static string DefaultApiDll(string root)
{
    var configuration = typeof(ScaleOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Release";
    return Path.Combine(root, "src", "Api", "bin", configuration, "net10.0", "CrudCqrs.Api.dll");
}

public sealed record OperationResult(string Name, IReadOnlyList<double> SamplesMs);

public sealed record SizeResult(int Size, TimeSpan FillTime, long FileBytes, IReadOnlyList<OperationResult> Operations);

public static class Statistics
{
    public static double Median(IReadOnlyList<double> samples) => Percentile(samples, 50);

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double percent)
    {
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

public static class Report
{
    public static string Markdown(IReadOnlyList<SizeResult> results, ScaleOptions options)
    {
        var text = new StringBuilder();
        var smallest = results[0];
        text.AppendLine($"Stored resources: {string.Join(", ", results.Select(r => Label(r.Size)))}. Times in ms over HTTP (loopback), " +
            $"median / p95 of {options.Repetitions} requests after {options.WarmUp} warm-up ({options.CascadeRepetitions} for the cascade delete). " +
            $"Ratio = median at that size / median at {Label(smallest.Size)}.");
        text.AppendLine();
        text.Append("| Operation |");
        foreach (var result in results)
        {
            text.Append($" {Label(result.Size)} median | {Label(result.Size)} p95 |");
        }
        foreach (var result in results.Skip(1))
        {
            text.Append($" ratio {Label(result.Size)} |");
        }
        text.AppendLine();
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", results.Count * 2 + results.Count - 1))).AppendLine();
        for (var op = 0; op < smallest.Operations.Count; op++)
        {
            text.Append($"| {smallest.Operations[op].Name} |");
            foreach (var result in results)
            {
                var samples = result.Operations[op].SamplesMs;
                text.Append(CultureInfo.InvariantCulture, $" {Statistics.Median(samples):0.00} | {Statistics.Percentile(samples, 95):0.00} |");
            }
            var baseline = Statistics.Median(smallest.Operations[op].SamplesMs);
            foreach (var result in results.Skip(1))
            {
                text.Append(CultureInfo.InvariantCulture, $" {Statistics.Median(result.Operations[op].SamplesMs) / baseline:0.00}× |");
            }
            text.AppendLine();
        }
        text.AppendLine();
        text.AppendLine("| Stored resources | Fill time (s) | Database file (MiB) |");
        text.AppendLine("|---:|---:|---:|");
        foreach (var result in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Label(result.Size)} | {result.FillTime.TotalSeconds:0.0} | {result.FileBytes / 1048576.0:0.0} |");
        }
        return text.ToString();
    }

    private static string Label(int size) => size switch
    {
        >= 1_000_000 when size % 1_000_000 == 0 => $"{size / 1_000_000}M",
        >= 1_000 when size % 1_000 == 0 => $"{size / 1_000}k",
        _ => size.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Replaces what lies between <c>&lt;!-- name:begin --&gt;</c> and <c>&lt;!-- name:end --&gt;</c>, or appends both.</summary>
    public static void WriteBetweenMarkers(string path, string name, string content)
    {
        var begin = $"<!-- {name}:begin -->";
        var end = $"<!-- {name}:end -->";
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Performance\n";
        var block = $"{begin}\n{content.TrimEnd()}\n{end}";
        var from = text.IndexOf(begin, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        text = from >= 0 && to > from
            ? text[..from] + block + text[(to + end.Length)..]
            : text.TrimEnd() + "\n\n" + block + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}

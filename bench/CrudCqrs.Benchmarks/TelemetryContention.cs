using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CrudCqrs.Benchmarks;

/// <summary>
/// Does a read's telemetry cost more CPU when more threads read at once? For each telemetry mode
/// and thread count, <see cref="TelemetryRig"/> reads on every thread for a while and the process's
/// CPU time (export threads included) is divided by the reads. "Added" is the mode's figure minus
/// telemetry off in the same round; with nothing shared between threads it stays the same as
/// threads are added, and what it gains is contention (cache lines, locks, queues every thread uses).
/// Rounds rotate the order of the cells; figures are medians over rounds.
/// <c>dotnet run -c Release --project bench/CrudCqrs.Benchmarks -- contention [--threads "1 2"] [--rounds 5] [--seconds 2] [--modes "On SpansOnly"] [--export-batch 2048]</c>
/// </summary>
public static class TelemetryContention
{
    public static int Run(string[] args)
    {
        var threads = Option(args, "--threads", $"1 {Environment.ProcessorCount}")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Distinct().ToArray();
        var rounds = int.Parse(Option(args, "--rounds", "5"), CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(double.Parse(Option(args, "--seconds", "2"), CultureInfo.InvariantCulture));
        var modes = Option(args, "--modes", string.Join(' ', Enum.GetNames<TelemetryMode>()))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<TelemetryMode>).Prepend(TelemetryMode.Off).Distinct().ToArray();
        // The service's export batch (OTEL_BSP_/OTEL_BLRP_MAX_EXPORT_BATCH_SIZE) unless given.
        var exportBatch = int.Parse(Option(args, "--export-batch", TelemetryRig.ServiceDefault("OTEL_BSP_MAX_EXPORT_BATCH_SIZE").ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var cells = (from mode in modes from count in threads select (mode, count)).ToArray();
        // microseconds of CPU per read, per cell, one entry per round; and what the GC did meanwhile
        var perRead = cells.ToDictionary(cell => cell, _ => new List<double>());
        var gcPerRead = cells.ToDictionary(cell => cell, _ => new List<(double AllocatedKb, double Gen1Per100k, double PauseMicros)>());

        for (var round = 0; round < rounds; round++)
        {
            for (var step = 0; step < cells.Length; step++)
            {
                var cell = cells[(step + round) % cells.Length];
                using var rig = new TelemetryRig(cell.mode, cell.count, exportBatch);
                rig.ReadFor(duration / 4);
                var cpuBefore = ProcessCpu();
                var allocatedBefore = GC.GetTotalAllocatedBytes();
                var gen1Before = GC.CollectionCount(1);
                var pauseBefore = GC.GetTotalPauseDuration();
                var reads = rig.ReadFor(duration);
                perRead[cell].Add((ProcessCpu() - cpuBefore).TotalMicroseconds / reads);
                gcPerRead[cell].Add(((GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / reads,
                    (GC.CollectionCount(1) - gen1Before) * 100_000.0 / reads,
                    (GC.GetTotalPauseDuration() - pauseBefore).TotalMicroseconds / reads));
            }
            Console.Error.WriteLine($"round {round + 1} of {rounds} done");
        }

        Console.WriteLine(Table(modes, threads, perRead, rounds, duration));
        Console.WriteLine(GcTable(modes, threads, gcPerRead));
        return 0;
    }

    /// <summary>
    /// Allocation and collections per read: a telemetry item lives until its batch is exported, so
    /// it may survive a gen0 collection and be copied; where allocation, not a lock, is what threads
    /// share (memory bandwidth, collections that stop every thread), this shows it.
    /// </summary>
    private static string GcTable(TelemetryMode[] modes, int[] threads, Dictionary<(TelemetryMode, int), List<(double AllocatedKb, double Gen1Per100k, double PauseMicros)>> gcPerRead)
    {
        var table = new StringBuilder();
        table.AppendLine("Per read, median over rounds: KB allocated, gen1 collections per 100k reads, GC pause µs.");
        table.AppendLine();
        table.Append("| mode |");
        foreach (var count in threads)
        {
            table.Append(CultureInfo.InvariantCulture, $" {count} thread(s): KB | gen1 / 100k | pause µs |");
        }
        table.AppendLine();
        table.Append("|---|");
        table.AppendLine(string.Concat(Enumerable.Repeat("---:|---:|---:|", threads.Length)));
        foreach (var mode in modes)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {mode} |");
            foreach (var count in threads)
            {
                var cell = gcPerRead[(mode, count)];
                table.Append(CultureInfo.InvariantCulture,
                    $" {Median(cell.Select(c => c.AllocatedKb)):0.00} | {Median(cell.Select(c => c.Gen1Per100k)):0.0} | {Median(cell.Select(c => c.PauseMicros)):0.00} |");
            }
            table.AppendLine();
        }
        return table.ToString();
    }

    private static string Table(TelemetryMode[] modes, int[] threads, Dictionary<(TelemetryMode, int), List<double>> perRead, int rounds, TimeSpan duration)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{rounds} rounds of {duration.TotalSeconds:0.#} s per cell, {Environment.ProcessorCount} cores; CPU µs per read (process, export threads included), median; added = mode − off in the same round, median.");
        table.AppendLine();
        table.Append("| mode |");
        foreach (var count in threads)
        {
            table.Append(CultureInfo.InvariantCulture, $" {count} thread(s): µs/read | added |");
        }
        table.AppendLine(threads.Length > 1 ? $" added at {threads[^1]} / at {threads[0]} |" : "");
        table.Append("|---|");
        table.Append(string.Concat(Enumerable.Repeat("---:|---:|", threads.Length)));
        table.AppendLine(threads.Length > 1 ? "---:|" : "");
        foreach (var mode in modes)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {mode} |");
            var added = new List<double>();
            foreach (var count in threads)
            {
                var own = perRead[(mode, count)];
                var off = perRead[(TelemetryMode.Off, count)];
                var difference = Median(own.Zip(off, (a, b) => a - b));
                added.Add(difference);
                table.Append(CultureInfo.InvariantCulture, $" {Median(own):0.00} | {(mode == TelemetryMode.Off ? "" : difference.ToString("0.00", CultureInfo.InvariantCulture))} |");
            }
            if (threads.Length > 1)
            {
                table.Append(mode == TelemetryMode.Off ? " |" : string.Create(CultureInfo.InvariantCulture, $" {added[^1] / added[0]:0.00}× |"));
            }
            table.AppendLine();
        }
        return table.ToString();
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}

using BenchmarkDotNet.Running;
using CrudCqrs.Benchmarks;

// `dotnet run -c Release --project bench/CrudCqrs.Benchmarks -- --filter '*'` runs every suite;
// `--filter '*Pipeline*'` or `--filter '*DependencyGraph*'` picks one; `--list flat` lists them.
// `-- contention` measures telemetry's CPU per read by thread count (TelemetryContention), which
// BenchmarkDotNet's wall-clock figures cannot show.
if (args.Length > 0 && args[0] == "contention")
{
    return TelemetryContention.Run(args[1..]);
}
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
// A case that threw (in setup, the benchmark or cleanup) shows as NA in the table; say so in the
// exit code too, so that a run in CI (`--job dry`) fails instead of printing NA.
var failed = summaries
    .SelectMany(summary => summary.BenchmarksCases.Where(c => summary[c] is not { Success: true }).Select(c => c.DisplayInfo))
    .Concat(summaries.Where(summary => summary.HasCriticalValidationErrors).Select(summary => summary.Title + ": validation errors"))
    .ToList();
foreach (var failure in failed)
{
    Console.Error.WriteLine("failed: " + failure);
}
return failed.Count == 0 ? 0 : 1;

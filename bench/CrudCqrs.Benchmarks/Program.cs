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
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

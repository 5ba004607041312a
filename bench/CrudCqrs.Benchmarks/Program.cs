using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/CrudCqrs.Benchmarks -- --filter '*'` runs every suite;
// `--filter '*Pipeline*'` or `--filter '*DependencyGraph*'` picks one; `--list flat` lists them.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

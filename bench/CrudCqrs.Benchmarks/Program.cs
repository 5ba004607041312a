using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/CrudCqrs.Benchmarks -- --filter '*'        (everything)
// dotnet run -c Release --project bench/CrudCqrs.Benchmarks -- --filter '*Pipeline*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using BenchmarkDotNet.Running;

// Run all: dotnet run -c Release --project tests/Aspects.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using System.Collections.Concurrent;
using Aspects.Caching;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Aspects.Benchmarks.Caching;

/// <summary>
/// The cost of a cache hit, the path almost every cached call takes: the Aspects L1 (region lookup on
/// the method's definition plus TryGetLocal, as generated code does), Microsoft's HybridCache (default
/// in-memory implementation) and a bare ConcurrentDictionary lookup as the floor, in one run.
/// </summary>
[MemoryDiagnoser]
public class CacheHitBenchmarks
{
    private const int Key = 42;

    private static readonly CacheDefinition Definition =
        new("Aspects.Benchmarks.Caching.Catalog.GetProduct", TimeSpan.FromMinutes(5), TimeSpan.Zero, [], null);

    private readonly AspectRuntime _runtime = new();
    private readonly ConcurrentDictionary<int, Task<string>> _dictionary = new();
    private HybridCache _hybrid = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        await _runtime.Cache.Region<int, string>(Definition).GetOrCreateAsync(
            Key, 0, static key => key.ToString(System.Globalization.CultureInfo.InvariantCulture),
            static (_, _, _) => Task.FromResult("product"), CancellationToken.None);
        _dictionary[Key] = Task.FromResult("product");
        var services = new ServiceCollection();
        services.AddHybridCache();
        _hybrid = services.BuildServiceProvider().GetRequiredService<HybridCache>();
        await _hybrid.GetOrCreateAsync("product:42", static _ => ValueTask.FromResult("product"));
    }

    [Benchmark(Baseline = true, Description = "ConcurrentDictionary lookup")]
    public Task<string> Dictionary() => _dictionary.TryGetValue(Key, out var task) ? task : Fail();

    [Benchmark(Description = "Aspects L1 hit (Region + TryGetLocal)")]
    public Task<string> AspectsL1() =>
        _runtime.Cache.Region<int, string>(Definition).TryGetLocal(Key, out var task) ? task : Fail();

    [Benchmark(Description = "HybridCache hit (in-memory)")]
    public ValueTask<string> Hybrid() => _hybrid.GetOrCreateAsync("product:42", static _ => ValueTask.FromResult("missed"));

    private static Task<string> Fail() => throw new InvalidOperationException("The benchmark expects a hit.");
}

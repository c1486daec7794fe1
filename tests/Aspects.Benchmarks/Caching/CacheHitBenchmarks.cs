using Aspects.Caching;
using BenchmarkDotNet.Attributes;
using Castle.DynamicProxy;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace Aspects.Benchmarks.Caching;

/// <summary>
/// A cache hit, the path almost every cached call takes, in one run: a <c>[Cached]</c> method through its
/// generated wrapper, the hand-written calls of HybridCache and FusionCache (string key built from the
/// argument, as application code does), a Castle DynamicProxy interceptor over <see cref="IMemoryCache"/>,
/// and the uncached call as the baseline.
/// </summary>
[MemoryDiagnoser]
public class CacheHitBenchmarks
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(5);

    private readonly ProductSource _source = new();
    private readonly CachedCatalog _cached = new(new AspectRuntime());
    private int _id = 42;
    private HybridCache _hybrid = null!;
    private FusionCache _fusion = null!;
    private IProductSource _proxy = null!;
    private MemoryCache _memory = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var services = new ServiceCollection();
        services.AddHybridCache();
        _hybrid = services.BuildServiceProvider().GetRequiredService<HybridCache>();
        _fusion = new FusionCache(new FusionCacheOptions { DefaultEntryOptions = new FusionCacheEntryOptions { Duration = Duration } });
        _memory = new MemoryCache(new MemoryCacheOptions());
        _proxy = new ProxyGenerator().CreateInterfaceProxyWithTarget<IProductSource>(_source, new MemoryCacheInterceptor(_memory, Duration));

        // Every cache holds product 42 before measuring, so each benchmark is a hit.
        Expect(await _cached.GetProductAsync(_id));
        Expect(await Hybrid());
        Expect(await Fusion());
        Expect(await _proxy.GetProductAsync(_id));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fusion.Dispose();
        _memory.Dispose();
    }

    [Benchmark(Baseline = true, Description = "uncached direct call")]
    public Task<Product?> Direct() => _source.GetProductAsync(_id);

    [Benchmark(Description = "Aspects [Cached] L1 hit (generated wrapper)")]
    public Task<Product?> Aspects() => _cached.GetProductAsync(_id);

    [Benchmark(Description = "HybridCache.GetOrCreateAsync, string key")]
    public ValueTask<Product?> Hybrid() =>
        _hybrid.GetOrCreateAsync($"product:{_id}", (_source, _id), static (state, ct) => new ValueTask<Product?>(state._source.GetProductAsync(state._id, ct)));

    [Benchmark(Description = "FusionCache.GetOrSetAsync, string key")]
    public ValueTask<Product?> Fusion() =>
        _fusion.GetOrSetAsync<Product?>($"product:{_id}", (_, ct) => _source.GetProductAsync(_id, ct));

    [Benchmark(Description = "Castle DynamicProxy interceptor + MemoryCache")]
    public Task<Product?> CastleProxy() => _proxy.GetProductAsync(_id);

    private static void Expect(Product? product)
    {
        if (product?.Id != 42)
        {
            throw new InvalidOperationException("The benchmark expects product 42.");
        }
    }
}

using BenchmarkDotNet.Attributes;

namespace Aspects.Benchmarks.RateLimiting;

/// <summary>
/// What a <c>[RateLimitPartition]</c> parameter adds to a <c>[RateLimited]</c> call when a permit is available: the
/// partition key's formatting, one dictionary lookup and entering/leaving the partition, against the same wrapper
/// without a partition. 16 tenants in turn; the buckets never run dry during a run.
/// </summary>
[MemoryDiagnoser]
public partial class RateLimitPartitionBenchmarks
{
    private const double Rate = 1e9;
    private const int Burst = 1_000_000;

    private static readonly string[] Tenants = Enumerable.Range(0, 16).Select(i => "tenant-" + i).ToArray();

    private readonly AspectRuntime _runtime = new(new AspectRuntimeOptions());
    private int _next;

    [Benchmark(Baseline = true, Description = "[RateLimited] wrapper, sync, Reject (permit available)")]
    public int Unpartitioned() => Limited(Tenants[_next++ & 15]);

    [Benchmark(Description = "[RateLimited] + [RateLimitPartition] string, sync, Reject (permit available)")]
    public int Partitioned() => LimitedPerTenant(Tenants[_next++ & 15]);

    [RateLimited(Name = "benchmark-unpartitioned", PermitsPerSecond = Rate, Burst = Burst, Mode = RateLimitMode.Reject)]
    private partial int Limited(string tenant);

    [RateLimited(Name = "benchmark-partitioned", PermitsPerSecond = Rate, Burst = Burst, Mode = RateLimitMode.Reject)]
    private partial int LimitedPerTenant([RateLimitPartition] string tenant);

    private int LimitedCore(string tenant) => tenant.Length;

    private int LimitedPerTenantCore(string tenant) => tenant.Length;
}

using System.Threading.RateLimiting;
using Aspects.RateLimiting;
using BenchmarkDotNet.Attributes;

namespace Aspects.Benchmarks.RateLimiting;

/// <summary>
/// The cost of taking a permit when one is available (the path almost every rate-limited call takes): our
/// <see cref="TokenBucket"/> (no refill timer: one clock read and one compare-and-swap) against the BCL's
/// <see cref="TokenBucketRateLimiter"/> (refilled by a timer), and what the generated <c>[RateLimited]</c> wrapper
/// adds over the bucket, in one run. The buckets are large enough never to run dry during a run.
/// </summary>
[MemoryDiagnoser]
public partial class TokenBucketBenchmarks
{
    private const double Rate = 1e9;
    private const int Burst = 1_000_000;

    private readonly AspectRuntime _runtime = new(new AspectRuntimeOptions());
    private readonly TokenBucket _aspects;

    private readonly TokenBucketRateLimiter _bcl = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = int.MaxValue,
        TokensPerPeriod = int.MaxValue,
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(1),
        AutoReplenishment = true,
        QueueLimit = 0,
    });

    public TokenBucketBenchmarks()
    {
        // The bucket the wrappers below use.
        _aspects = (TokenBucket)_runtime.RateLimiters.GetOrCreate("benchmark", Rate, Burst, RateLimitScope.Local);
    }

    [Benchmark(Baseline = true, Description = "BCL TokenBucketRateLimiter.AttemptAcquire (permit available)")]
    public bool BclAttempt()
    {
        using var lease = _bcl.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "BCL TokenBucketRateLimiter.AcquireAsync (permit available)")]
    public async ValueTask<bool> Bcl()
    {
        using var lease = await _bcl.AcquireAsync(1, CancellationToken.None);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "Aspects TokenBucket.AttemptAcquire (permit available)")]
    public bool AspectsAttempt()
    {
        using var lease = _aspects.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "Aspects TokenBucket.AcquireAsync(Reject) (permit available)")]
    public ValueTask Aspects() => _aspects.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

    [Benchmark(Description = "[RateLimited] wrapper, sync, Reject (permit available)")]
    public int Wrapper() => Limited(1);

    [Benchmark(Description = "[RateLimited] wrapper, async, Reject (permit available)")]
    public ValueTask<int> WrapperAsync() => LimitedAsync(1);

    [Benchmark(Description = "Direct call, async (no aspect)")]
    public ValueTask<int> DirectAsync() => LimitedCoreAsync(1);

    [RateLimited(Name = "benchmark", PermitsPerSecond = Rate, Burst = Burst, Mode = RateLimitMode.Reject)]
    public partial int Limited(int id);

    [RateLimited(Name = "benchmark", PermitsPerSecond = Rate, Burst = Burst, Mode = RateLimitMode.Reject)]
    public partial ValueTask<int> LimitedAsync(int id);

    private int LimitedCore(int id) => id + 41;

    private ValueTask<int> LimitedCoreAsync(int id) => new(id + 41);
}

using System.Threading.RateLimiting;
using Aspects.RateLimiting;
using BenchmarkDotNet.Attributes;

namespace Aspects.Benchmarks.RateLimiting;

/// <summary>
/// The cost of taking a permit when one is available (the path almost every rate-limited call takes):
/// our lock-free <see cref="TokenBucket"/> against the BCL's <see cref="TokenBucketRateLimiter"/>, in one run.
/// Both buckets are large enough never to run dry during a run.
/// </summary>
[MemoryDiagnoser]
public class TokenBucketBenchmarks
{
    private readonly TokenBucket _aspects = new("benchmark", 1e9, int.MaxValue / 2, TimeProvider.System);

    private readonly TokenBucketRateLimiter _bcl = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = int.MaxValue,
        TokensPerPeriod = int.MaxValue,
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(1),
        AutoReplenishment = true,
        QueueLimit = 0,
    });

    [Benchmark(Baseline = true, Description = "Aspects TokenBucket.AcquireAsync (permit available)")]
    public ValueTask Aspects() => _aspects.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None);

    [Benchmark(Description = "BCL TokenBucketRateLimiter.AcquireAsync (permit available)")]
    public async ValueTask<bool> Bcl()
    {
        using var lease = await _bcl.AcquireAsync(1, CancellationToken.None);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "BCL TokenBucketRateLimiter.AttemptAcquire (permit available)")]
    public bool BclAttempt()
    {
        using var lease = _bcl.AttemptAcquire(1);
        return lease.IsAcquired;
    }
}

using System.Threading.RateLimiting;
using Aspects.RateLimiting;
using Aspects.Telemetry;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Aspects.Tests.RateLimiting;

public class RateLimiterRegistryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLoggerFactory _logs = new();

    [Fact]
    public void The_same_name_gives_the_same_limiter_and_a_different_definition_is_logged_once()
    {
        var runtime = new AspectRuntime(new() { TimeProvider = _time, LoggerFactory = _logs });

        var first = runtime.RateLimiters.GetOrCreate("pricing-api", 50, 10, RateLimitScope.Local);
        var again = runtime.RateLimiters.GetOrCreate("pricing-api", 50, 10, RateLimitScope.Local);
        var different = runtime.RateLimiters.GetOrCreate("pricing-api", 5, 1, RateLimitScope.Local);
        runtime.RateLimiters.GetOrCreate("pricing-api", 5, 1, RateLimitScope.Local);

        Assert.Same(first, again);
        Assert.Same(first, different);
        Assert.Equal(10, different.Burst);
        var warning = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("'pricing-api'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("first definition is used", warning.Message, StringComparison.Ordinal);
        Assert.NotSame(first, runtime.RateLimiters.GetOrCreate("other", 50, 10, RateLimitScope.Local));
    }

    [Theory]
    [InlineData(0.0, 1, "permitsPerSecond")]
    [InlineData(-1.0, 1, "permitsPerSecond")]
    [InlineData(double.NaN, 1, "permitsPerSecond")]
    [InlineData(double.PositiveInfinity, 1, "permitsPerSecond")]
    [InlineData(2e9, 1, "permitsPerSecond")]
    [InlineData(1.0, 0, "burst")]
    [InlineData(1.0, -5, "burst")]
    public void Invalid_values_throw_naming_the_setting(double permitsPerSecond, int burst, string parameter)
    {
        var runtime = new AspectRuntime(new() { TimeProvider = _time });

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => runtime.RateLimiters.GetOrCreate("bad", permitsPerSecond, burst, RateLimitScope.Local));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains("'bad'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Distributed_scope_without_a_store_warns_once_and_uses_a_local_bucket_on_the_runtime_clock()
    {
        var runtime = new AspectRuntime(new() { TimeProvider = _time, LoggerFactory = _logs });

        var limiter = runtime.RateLimiters.GetOrCreate("shared", 1, 1, RateLimitScope.Distributed);
        runtime.RateLimiters.GetOrCreate("shared", 1, 1, RateLimitScope.Distributed);

        Assert.IsType<TokenBucket>(limiter);
        var warning = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("AspectRuntimeOptions.DistributedRateLimiters", warning.Message, StringComparison.Ordinal);
        limiter.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        Assert.Throws<RateLimitRejectedException>(() => limiter.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        limiter.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
    }

    [Fact]
    public void Distributed_scope_uses_the_configured_factory_once_per_name()
    {
        var factory = new CountingFactory();
        var runtime = new AspectRuntime(new() { TimeProvider = _time, DistributedRateLimiters = factory });

        var limiter = runtime.RateLimiters.GetOrCreate("shared", 2, 3, RateLimitScope.Distributed);
        runtime.RateLimiters.GetOrCreate("shared", 2, 3, RateLimitScope.Distributed);

        Assert.Equal(1, factory.Created);
        Assert.Same(runtime, factory.Runtime);
        Assert.Equal(("shared", 2.0, 3), (limiter.Name, limiter.PermitsPerSecond, limiter.Burst));
        Assert.IsType<TokenBucket>(runtime.RateLimiters.GetOrCreate("local", 2, 3, RateLimitScope.Local));
        Assert.Equal(1, factory.Created);
    }

    [Fact]
    public async Task A_limiter_is_a_System_Threading_RateLimiter_with_retry_after_metadata()
    {
        RateLimiter limiter = new TokenBucket("api", permitsPerSecond: 2, burst: 1, _time);

        using var granted = limiter.AttemptAcquire();
        using var refused = limiter.AttemptAcquire();
        var queued = limiter.AcquireAsync(1).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        using var later = await queued.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(granted.IsAcquired);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(500), retryAfter);
        Assert.True(later.IsAcquired);
        var statistics = limiter.GetStatistics()!;
        Assert.Equal(2, statistics.TotalSuccessfulLeases);
        Assert.Equal(1, statistics.TotalFailedLeases);
    }

    [Fact]
    public async Task Acquisitions_are_counted_by_result_and_waits_are_timed()
    {
        var name = $"metrics-{Guid.NewGuid():N}";
        using var acquisitions = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.ratelimit.acquisitions");
        using var waits = new MetricCollector<double>(AspectsTelemetry.Meter, "aspects.ratelimit.wait_time");
        var bucket = new TokenBucket(name, permitsPerSecond: 1, burst: 1, _time);

        await bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(5), CancellationToken.None);
        var waiting = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(5), CancellationToken.None).AsTask();
        Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        var results = acquisitions.GetMeasurementSnapshot().Where(m => Equals(m.Tags["aspects.limiter"], name)).ToList();
        Assert.Equal(1, results.Where(m => Equals(m.Tags["aspects.ratelimit.result"], "acquired")).Sum(m => m.Value));
        Assert.Equal(1, results.Where(m => Equals(m.Tags["aspects.ratelimit.result"], "waited")).Sum(m => m.Value));
        Assert.Equal(1, results.Where(m => Equals(m.Tags["aspects.ratelimit.result"], "rejected")).Sum(m => m.Value));
        Assert.Equal(1.0, Assert.Single(waits.GetMeasurementSnapshot(), m => Equals(m.Tags["aspects.limiter"], name)).Value);
    }

    private sealed class CountingFactory : IDistributedRateLimiterFactory
    {
        public int Created { get; private set; }

        public AspectRuntime? Runtime { get; private set; }

        public AspectRateLimiter Create(string name, double permitsPerSecond, int burst, AspectRuntime runtime)
        {
            Created++;
            Runtime = runtime;
            return new TokenBucket(name, permitsPerSecond, burst, runtime.TimeProvider);
        }
    }
}

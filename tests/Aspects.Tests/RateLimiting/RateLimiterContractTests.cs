using System.Threading.RateLimiting;
using Aspects.RateLimiting;
using Xunit;

namespace Aspects.Tests.RateLimiting;

/// <summary>
/// The <see cref="RateLimiter"/> contract every <see cref="AspectRateLimiter"/> keeps, after the intent of the
/// System.Threading.RateLimiting test suite (BaseRateLimiterTests, TokenBucketRateLimiterTests): zero-permit
/// requests, disposal releasing queued requests, what throws after disposal. Run for the in-process bucket here
/// and for the Redis bucket against a real server in Aspects.IntegrationTests (this file is linked there).
/// </summary>
public abstract class RateLimiterContractTests
{
    /// <summary>Every await is bounded, so a broken limiter fails the test instead of hanging the run.</summary>
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>A new, full bucket.</summary>
    protected abstract AspectRateLimiter Create(double permitsPerSecond, int burst);

    /// <summary>Lets <paramref name="duration"/> pass: advances a fake clock, or does nothing on a real one (waits then take real time).</summary>
    protected abstract void Advance(TimeSpan duration);

    /// <summary>Whether <see cref="Advance"/> drives the clock (so "not yet completed" can be asserted exactly).</summary>
    protected abstract bool ClockIsControlled { get; }

    [Fact]
    public async Task Zero_permits_on_an_empty_bucket_wait_for_a_permit_and_take_nothing()
    {
        using var limiter = Create(permitsPerSecond: 5, burst: 1);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);

        var waiting = limiter.AcquireAsync(0).AsTask();
        if (ClockIsControlled)
        {
            Assert.False(waiting.IsCompleted, "A zero-permit request waits while no permit is available.");
        }

        Advance(TimeSpan.FromMilliseconds(200));
        using var lease = await waiting.WaitAsync(Bound);
        Assert.True(lease.IsAcquired, "A zero-permit request succeeds once a permit is available (it used to fail at once).");

        // It took nothing: the permit is still there.
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
    }

    [Fact]
    public async Task Zero_permits_succeed_at_once_when_a_permit_is_available()
    {
        using var limiter = Create(permitsPerSecond: 0.01, burst: 1);

        Assert.True(limiter.AttemptAcquire(0).IsAcquired);
        Assert.True((await limiter.AcquireAsync(0).AsTask().WaitAsync(Bound)).IsAcquired);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        var failed = limiter.AttemptAcquire(0);
        Assert.False(failed.IsAcquired);
        Assert.True(failed.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task Disposing_releases_queued_requests_with_failed_leases_and_everything_throws_afterwards()
    {
        // 0.1 permit/s: the queued requests are due at 10, 20 and 30 s, within the RateLimiter API's 30 s wait.
        var limiter = Create(permitsPerSecond: 0.1, burst: 1);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        var queued = Enumerable.Range(0, 3).Select(_ => limiter.AcquireAsync(1).AsTask()).ToList();
        Assert.All(queued, q => Assert.False(q.IsCompleted));

        limiter.Dispose();

        foreach (var request in queued)
        {
            using var lease = await request.WaitAsync(Bound);
            Assert.False(lease.IsAcquired, "A request queued at disposal completes with a failed lease.");
        }

        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire(1));
        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire(0));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => limiter.AcquireAsync(1).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => limiter.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask());
        Assert.Throws<ObjectDisposedException>(() => limiter.GetStatistics());
        Assert.Throws<ObjectDisposedException>(() => limiter.Reconfigure(1, 1));

        // Long after the queued requests' turns, still nothing is admitted.
        Advance(TimeSpan.FromSeconds(60));
        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire(1));
    }

    [Fact]
    public async Task Disposing_asynchronously_releases_queued_requests_too()
    {
        var limiter = Create(permitsPerSecond: 0.1, burst: 1);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        var queued = limiter.AcquireAsync(1).AsTask();

        await limiter.DisposeAsync();

        Assert.False((await queued.WaitAsync(Bound)).IsAcquired);
        Assert.Throws<ObjectDisposedException>(() => limiter.GetStatistics());
    }

    [Fact]
    public async Task Callers_waiting_through_the_aspect_api_at_disposal_get_ObjectDisposedException()
    {
        var limiter = Create(permitsPerSecond: 0.1, burst: 1);
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask().WaitAsync(Bound);
        var waiting = limiter.AcquireAsync(RateLimitMode.Wait, Timeout.InfiniteTimeSpan, CancellationToken.None).AsTask();

        limiter.Dispose();
        Advance(TimeSpan.FromSeconds(60));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_queued_request_can_be_cancelled()
    {
        using var limiter = Create(permitsPerSecond: 0.1, burst: 1);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        using var cancellation = new CancellationTokenSource();
        var queued = limiter.AcquireAsync(1, cancellation.Token).AsTask();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Bound));
        Assert.Equal(1, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    [Fact]
    public async Task Requesting_more_than_the_burst_or_a_negative_count_throws()
    {
        using var limiter = Create(permitsPerSecond: 1, burst: 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(-1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limiter.AcquireAsync(3).AsTask());
    }

    [Fact]
    public void A_failed_lease_says_when_to_retry_and_statistics_count_both_outcomes()
    {
        using var limiter = Create(permitsPerSecond: 0.5, burst: 2);
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);

        using var failed = limiter.AttemptAcquire(1);
        elapsed.Stop();

        // The next permit comes 2 s after the first call. Where the clock runs on its own (Redis TIME), part of
        // that passed between the two calls, at most the time measured around both: RetryAfter is never earlier
        // than what remains (1 ms for the server clock's rounding), and never more than the whole 2 s.
        Assert.False(failed.IsAcquired);
        Assert.True(failed.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        var remaining = TimeSpan.FromSeconds(2) - (ClockIsControlled ? TimeSpan.Zero : elapsed.Elapsed) - TimeSpan.FromMilliseconds(1);
        Assert.InRange(retryAfter, remaining, TimeSpan.FromSeconds(2));
        var statistics = limiter.GetStatistics()!;
        Assert.Equal(1, statistics.TotalSuccessfulLeases);
        Assert.Equal(1, statistics.TotalFailedLeases);
    }
}

using Aspects.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Aspects.Tests.RateLimiting;

/// <summary>The in-process bucket at the edges named in issue 14: sub-millisecond waits and freed slots.</summary>
public class TokenBucketEdgeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_wait_shorter_than_a_millisecond_stays_pending_until_its_slot_then_completes()
    {
        // 30,000/s: the 10 missing permits take 0.333 ms. Task.Delay counts whole milliseconds, so the wait used
        // to be 0 and the loop spun forever on a fake clock (and burned a core on the real one).
        var bucket = new TokenBucket("x", 30_000, 100, _time);
        Assert.True(bucket.AttemptAcquire(60).IsAcquired);

        var waiting = bucket.AcquireAsync(50).AsTask();

        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(3_333)); // the slot: 10 permits / 30,000 per s = 3,333.3 ticks
        Assert.False(waiting.IsCompleted, "Not before the slot.");
        _time.Advance(TimeSpan.FromMilliseconds(1) - TimeSpan.FromTicks(3_333)); // the wait rounded up to 1 ms
        Assert.True((await waiting.WaitAsync(Bound)).IsAcquired);
    }

    [Theory]
    [InlineData(30_000, 100)]
    [InlineData(2_000, 1)]
    [InlineData(1e6, 10)]
    [InlineData(1e9, 1_000)]
    public async Task Waits_of_any_length_start_one_timer_of_at_least_a_millisecond_each(double rate, int burst)
    {
        // The kind behind the spin: every wait, however short, is a real timer of a whole millisecond or more,
        // so a waiter costs no more CPU than Task.Delay, at any rate.
        var time = new Tests.Infrastructure.RecordingTimeProvider();
        var bucket = new TokenBucket("any-rate", rate, burst, time);
        Assert.True(bucket.AttemptAcquire(burst).IsAcquired);

        var waiters = Enumerable.Range(0, 5).Select(_ => bucket.AcquireAsync(RateLimitMode.Wait, Timeout.InfiniteTimeSpan, CancellationToken.None).AsTask()).ToList();
        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        Assert.Equal(5, time.DueTimes.Count);
        Assert.All(time.DueTimes, due => Assert.True(due >= TimeSpan.FromMilliseconds(1) && due.Ticks % TimeSpan.TicksPerMillisecond == 0, $"due {due}"));

        time.Advance(time.DueTimes.Max());
        await Task.WhenAll(waiters).WaitAsync(Bound);
    }

    [Fact]
    public async Task A_newcomer_takes_a_cancelled_waiters_slot_even_when_the_tail_is_past_its_maximum_wait()
    {
        // Issue 14 item 3: 1/s, burst 1, waits up to 2.5 s. B1 takes the permit, B2 (+1 s) and B3 (+2 s) wait,
        // B2 is cancelled at +100 ms; B4 used to be rejected with RetryAfter 2.9 s (its turn at the tail, +3 s).
        var bucket = new TokenBucket("freed", 1, 1, _time);
        var maxWait = TimeSpan.FromMilliseconds(2_500);
        await bucket.AcquireAsync(RateLimitMode.Wait, maxWait, CancellationToken.None);          // B1
        using var cancelB2 = new CancellationTokenSource();
        var b2 = bucket.AcquireAsync(RateLimitMode.Wait, maxWait, cancelB2.Token).AsTask();      // due +1 s
        var b3 = bucket.AcquireAsync(RateLimitMode.Wait, maxWait, CancellationToken.None).AsTask(); // due +2 s

        _time.Advance(TimeSpan.FromMilliseconds(100));
        await cancelB2.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b2.WaitAsync(Bound));
        var b4 = bucket.AcquireAsync(RateLimitMode.Wait, maxWait, CancellationToken.None).AsTask();

        Assert.False(b4.IsCompleted, "B4 waits for B2's slot instead of being rejected.");
        _time.Advance(TimeSpan.FromMilliseconds(899));
        Assert.False(b4.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1)); // +1,000 ms: B2's slot
        await b4.WaitAsync(Bound);
        Assert.False(b3.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await b3.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_freed_slot_beyond_the_maximum_wait_is_not_taken()
    {
        var bucket = new TokenBucket("freed-far", 1, 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = bucket.AcquireAsync(RateLimitMode.Wait, Timeout.InfiniteTimeSpan, cancel.Token).AsTask(); // +1 s
        var behind = bucket.AcquireAsync(RateLimitMode.Wait, Timeout.InfiniteTimeSpan, CancellationToken.None).AsTask(); // +2 s
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bound));

        var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(
            () => bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromMilliseconds(500), CancellationToken.None).AsTask());

        Assert.Equal(TimeSpan.FromSeconds(3), rejected.RetryAfter); // the tail: never earlier than a permit can be had
        _time.Advance(TimeSpan.FromSeconds(2));
        await behind.WaitAsync(Bound);
    }

    [Fact]
    public async Task Reconfiguring_while_callers_wait_admits_nobody_new_before_the_last_of_them_is_due()
    {
        var bucket = new TokenBucket("reconfigure", 1, 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        var waiters = Enumerable.Range(0, 3).Select(_ => bucket.AcquireAsync(RateLimitMode.Wait, Timeout.InfiniteTimeSpan, CancellationToken.None).AsTask()).ToList();

        Assert.True(bucket.Reconfigure(10, 1));

        // Three permits are promised (due at 1, 2, 3 s on the old schedule); the new rate starts empty at 3 s, so
        // the old and the new schedule never admit at the same time (10/s on top of the waiters would exceed both).
        _time.Advance(TimeSpan.FromSeconds(3));
        await Task.WhenAll(waiters).WaitAsync(Bound);
        Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
    }
}

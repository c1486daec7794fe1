using Aspects.RateLimiting;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Aspects.Tests.RateLimiting;

[Collection(AllocationSensitive.Name)]
public class TokenBucketTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_timer_that_fires_early_never_admits_a_waiter_before_its_slot(int permits)
    {
        // System timers count whole milliseconds and may fire up to one early; this clock's timers fire a
        // millisecond early every time. A permit comes every 200 ms.
        var clock = new RecordingTimeProvider();
        using var bucket = new TokenBucket("early-timers", permitsPerSecond: 5, burst: 1, new EarlyTimers(clock));
        Assert.True(bucket.AttemptAcquire(1).IsAcquired);

        var waiting = bucket.AcquireAsync(permits).AsTask();
        await clock.WaitForTimerAsync("the wait for the next permit");
        clock.Advance(TimeSpan.FromMilliseconds(199));

        // The timer fired at 199 ms: the waiter waits on for the last millisecond instead of being admitted.
        await clock.WaitForTimerAsync("the wait for the rest of the slot after an early timer");
        Assert.False(waiting.IsCompleted, "The waiter was admitted at 199 ms; its slot is at 200 ms.");

        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var lease = await waiting.WaitAsync(Bounded);
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public void Burst_is_admitted_at_once_then_the_rate()
    {
        var bucket = new TokenBucket("burst", permitsPerSecond: 10, burst: 5, _time);

        Assert.Equal(5, TakeAll(bucket));

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, TakeAll(bucket));

        _time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(2, TakeAll(bucket)); // 2.5 permits refilled: the half stays in the bucket

        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, TakeAll(bucket));
    }

    [Fact]
    public void An_idle_bucket_fills_up_to_the_burst_and_no_further()
    {
        var bucket = new TokenBucket("idle", permitsPerSecond: 100, burst: 3, _time);
        Assert.Equal(3, TakeAll(bucket));

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, bucket.AvailablePermits);
        Assert.Equal(3, TakeAll(bucket));
        Assert.NotNull(new TokenBucket("full", 1, 1, _time).IdleDuration);
        Assert.Null(bucket.IdleDuration);
    }

    [Theory]
    [InlineData(3.0, 3)]
    [InlineData(2.7, 5)]
    [InlineData(0.3, 1)]
    [InlineData(1000.0, 50)]
    [InlineData(1.0 / 3.0, 2)]
    public void Over_simulated_hours_admissions_never_exceed_burst_plus_rate_times_elapsed(double rate, int burst)
    {
        var bucket = new TokenBucket("exact", rate, burst, _time);
        var random = new Random(12345);
        var elapsed = TimeSpan.Zero;
        long admitted = TakeAll(bucket);
        // An ideal token bucket in decimal arithmetic, drained as greedily, for the lower bound.
        decimal idealTokens = 0;
        long idealAdmitted = burst;

        while (elapsed < TimeSpan.FromHours(3))
        {
            // Uneven steps (1 µs to 2 s) so refills land at every possible fraction of a permit.
            var step = TimeSpan.FromTicks(random.NextInt64(10, 20_000_000));
            _time.Advance(step);
            elapsed += step;
            admitted += TakeAll(bucket);
            idealTokens = Math.Min(burst, idealTokens + ((decimal)rate * step.Ticks / TimeSpan.TicksPerSecond));
            idealAdmitted += (long)Math.Floor(idealTokens);
            idealTokens -= Math.Floor(idealTokens);

            var bound = burst + rate * elapsed.TotalSeconds;
            Assert.True(admitted <= bound, $"Admitted {admitted} after {elapsed}, above the bound {bound}.");
            // Nothing is lost to rounding either: the greedy caller gets what an ideal bucket gives, give or take one.
            Assert.True(Math.Abs(admitted - idealAdmitted) <= 1, $"Admitted {admitted} after {elapsed}; an ideal bucket admits {idealAdmitted}.");
        }
    }

    [Fact]
    public async Task Reject_mode_throws_at_once_with_the_time_until_the_next_permit()
    {
        var bucket = new TokenBucket("reject", permitsPerSecond: 4, burst: 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

        var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(
            () => bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask());
        Assert.Equal("reject", rejected.LimiterName);
        Assert.Equal(TimeSpan.FromMilliseconds(250), rejected.RetryAfter);
        Assert.Contains("'reject'", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("0.25 s", rejected.Message, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        rejected = Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(TimeSpan.FromMilliseconds(150), rejected.RetryAfter);

        _time.Advance(TimeSpan.FromMilliseconds(150));
        bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
    }

    [Fact]
    public void Taking_an_available_permit_completes_synchronously()
    {
        var bucket = new TokenBucket("sync", permitsPerSecond: 1, burst: 2, _time);

        var first = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.True(first.IsCompletedSuccessfully);
    }

    [Fact]
    public void Taking_an_available_permit_allocates_nothing()
    {
        var bucket = new TokenBucket("no-alloc", permitsPerSecond: 1e9, burst: 1_000_000, _time);
        var completed = TakeWithoutWaiting(bucket);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            completed &= TakeWithoutWaiting(bucket);
        }

        Assert.True(completed, "Every acquisition should have completed synchronously.");
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Waiters_are_served_first_come_first_served_and_newcomers_do_not_overtake()
    {
        var bucket = new TokenBucket("fifo", permitsPerSecond: 1, burst: 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

        var waiters = Enumerable.Range(0, 3)
            .Select(_ => bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask())
            .ToList();
        Assert.All(waiters, w => Assert.False(w.IsCompleted, "Nobody is served before the next permit exists."));

        for (var served = 0; served < waiters.Count; served++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await waiters[served].WaitAsync(Bounded);
            Assert.All(waiters.Skip(served + 1), w => Assert.False(w.IsCompleted, $"Waiter {served + 1} must be served before later ones."));
            // A newcomer in Reject mode finds the permit of this second already promised to the queue.
            if (served < waiters.Count - 1)
            {
                Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
            }
        }
    }

    [Fact]
    public async Task Cancelling_a_queued_waiter_fails_only_that_caller_and_a_newcomer_takes_its_slot()
    {
        var bucket = new TokenBucket("cancel", permitsPerSecond: 1, burst: 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();

        var first = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();    // due at 1 s
        var cancelled = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), cancellation.Token).AsTask();  // due at 2 s
        var third = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();    // due at 3 s

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bounded));
        var newcomer = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();

        Assert.False(first.IsCompleted || third.IsCompleted || newcomer.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await first.WaitAsync(Bounded);
        _time.Advance(TimeSpan.FromSeconds(1));
        await newcomer.WaitAsync(Bounded); // the cancelled caller's slot, not a new one at 4 s
        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await third.WaitAsync(Bounded);

        // Burst 1 + 3 s × 1/s = 4 permits by now, all taken: nothing more at 3 s.
        Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task A_given_back_slot_never_lets_the_bucket_admit_more_than_its_burst()
    {
        var bucket = new TokenBucket("cancel-burst", permitsPerSecond: 1, burst: 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var cancelled = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), cancellation.Token).AsTask(); // due at 1 s
        var last = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();   // due at 2 s

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bounded));
        _time.Advance(TimeSpan.FromSeconds(2));
        await last.WaitAsync(Bounded);

        // The slot at 1 s lapsed unused; a full bucket of 1 is spent by `last` at 2 s, so a newcomer is rejected
        // (moving the tail back instead would have admitted it at 2 s too: two permits at once with burst 1).
        Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task The_last_waiter_in_line_gives_its_place_back_to_the_tail()
    {
        var bucket = new TokenBucket("cancel-tail", permitsPerSecond: 1, burst: 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var cancelled = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), cancellation.Token).AsTask(); // due at 1 s

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bounded));
        _time.Advance(TimeSpan.FromSeconds(1));

        bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task A_given_back_slot_that_becomes_last_in_line_returns_to_the_tail_too()
    {
        var bucket = new TokenBucket("cancel-chain", permitsPerSecond: 1, burst: 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        using var cancelMiddle = new CancellationTokenSource();
        using var cancelLast = new CancellationTokenSource();
        var middle = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), cancelMiddle.Token).AsTask(); // due at 1 s
        var last = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), cancelLast.Token).AsTask();     // due at 2 s

        await cancelMiddle.CancelAsync(); // others behind it: its slot is kept aside
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => middle.WaitAsync(Bounded));
        await cancelLast.CancelAsync();   // last in line: the tail moves back over both reservations
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => last.WaitAsync(Bounded));
        _time.Advance(TimeSpan.FromSeconds(1));

        // As if neither had queued: the permit of 1 s is on hand for a caller that will not wait, and only one.
        bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        Assert.Throws<RateLimitRejectedException>(() => bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task An_already_cancelled_token_takes_no_permit()
    {
        var bucket = new TokenBucket("cancelled", permitsPerSecond: 1, burst: 1, _time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(1), new CancellationToken(canceled: true)).AsTask());

        Assert.Equal(1, bucket.AvailablePermits);
    }

    [Fact]
    public async Task A_wait_longer_than_the_maximum_is_rejected_at_once_and_takes_no_place()
    {
        var bucket = new TokenBucket("max-wait", permitsPerSecond: 1, burst: 1, _time);
        await bucket.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

        var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(
            () => bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromMilliseconds(500), CancellationToken.None).AsTask());
        Assert.Equal(TimeSpan.FromSeconds(1), rejected.RetryAfter);

        var patient = bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));
        await patient.WaitAsync(Bounded);
    }

    [Fact]
    public async Task The_blocking_variant_waits_for_its_permit()
    {
        var time = new RecordingTimeProvider();
        var bucket = new TokenBucket("blocking", permitsPerSecond: 2, burst: 1, time);
        bucket.Acquire(RateLimitMode.Wait, TimeSpan.FromSeconds(1), CancellationToken.None);

        var blocked = Task.Run(() => bucket.Acquire(RateLimitMode.Wait, TimeSpan.FromSeconds(1), CancellationToken.None));
        await time.WaitForTimerAsync("the blocked caller to start waiting");
        Assert.False(blocked.IsCompleted);
        Assert.Equal(TimeSpan.FromMilliseconds(500), time.DueTimes.Single());

        time.Advance(TimeSpan.FromMilliseconds(500));
        await blocked.WaitAsync(Bounded);
    }

    [Fact]
    public async Task Hammering_from_many_tasks_never_admits_more_than_the_bound()
    {
        const double Rate = 1_000;
        const int Burst = 20;
        var bucket = new TokenBucket("hammer", Rate, Burst, _time);
        var start = _time.GetTimestamp();
        long admitted = 0;
        long rejected = 0;
        using var stop = new CancellationTokenSource();

        // Dedicated threads, not pool tasks: four spinning loops on the thread pool of a 2-core machine would
        // starve the tests running beside this one.
        var hammers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
                    Interlocked.Increment(ref admitted);
                }
                catch (RateLimitRejectedException)
                {
                    Interlocked.Increment(ref rejected);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();

        await DrainedAsync(bucket, "the initial burst");
        for (var step = 0; step < 500; step++)
        {
            _time.Advance(TimeSpan.FromTicks(33_337)); // not a whole permit: fractions must carry over exactly
            await DrainedAsync(bucket, $"step {step}");
            var bound = Burst + Rate * _time.GetElapsedTime(start).TotalSeconds;
            Assert.True(Interlocked.Read(ref admitted) <= bound, $"Admitted {admitted} at step {step}, above the bound {bound}.");
        }

        await stop.CancelAsync();
        await Task.WhenAll(hammers).WaitAsync(Bounded);
        var finalBound = Burst + Rate * _time.GetElapsedTime(start).TotalSeconds;
        Assert.InRange(admitted, Math.Floor(finalBound) - 1, finalBound);
        Assert.True(rejected > 0, "The hammer should have run into an empty bucket.");
    }

    [Fact]
    public async Task Waiting_callers_on_the_system_clock_are_admitted_no_faster_than_the_rate()
    {
        const double Rate = 2_000;
        const int Burst = 10;
        var bucket = new TokenBucket("wait-hammer", Rate, Burst, TimeProvider.System);
        var start = TimeProvider.System.GetTimestamp();
        var admittedAt = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();

        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None);
                admittedAt.Add(TimeProvider.System.GetElapsedTime(start));
            }
        })).ToList();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));

        // The k-th admission (in time order) happened no earlier than the bucket could allow it.
        var ordered = admittedAt.Order().ToList();
        Assert.Equal(640, ordered.Count);
        for (var k = 1; k <= ordered.Count; k++)
        {
            var bound = Burst + Rate * ordered[k - 1].TotalSeconds;
            Assert.True(k <= bound, $"Admission {k} at {ordered[k - 1].TotalMilliseconds} ms exceeds the bound {bound}.");
        }
    }

    // The hammering tasks take every permit the clock produces; waits (bounded) until they have.
    private static async Task DrainedAsync(TokenBucket bucket, string what)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (10 * TimeProvider.System.TimestampFrequency);
        while (bucket.AvailablePermits > 0)
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"The hammering tasks did not drain the bucket within 10 s after {what}.");
            await Task.Yield();
        }
    }

    private static bool TakeWithoutWaiting(TokenBucket bucket) =>
        bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(30), CancellationToken.None).IsCompletedSuccessfully;

    private static int TakeAll(TokenBucket bucket)
    {
        var taken = 0;
        while (true)
        {
            try
            {
                bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
                taken++;
            }
            catch (RateLimitRejectedException)
            {
                return taken;
            }
        }
    }
}

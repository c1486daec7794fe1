using Aspects.IntegrationTests.Rig;
using Aspects.RateLimiting;
using Aspects.Redis.RateLimiting;
using Aspects.Telemetry;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.RateLimiting;

/// <summary>
/// Waiters of a Redis bucket that are cancelled before their turn give their reservation back. Waits run on a
/// <see cref="RecordingTimeProvider"/>, so they never end by themselves and their lengths (computed from Redis
/// <c>TIME</c>) are read from the timers; the rate is one permit per 100 s, so the few seconds of real time a test
/// takes never refill the bucket and every slot is 100 s from the next.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisTokenBucketRefundTests(RedisFixture redis) : IDisposable
{
    private const double Rate = 0.01;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(100);
    // Real time that may pass between two reservations of one test (Redis TIME moves on while the clock of
    // the waits stands still); far below the interval, so slots stay distinguishable.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly MetricCollector<long> _refunds = new(null, AspectsTelemetry.Name, "aspects.ratelimit.refunds");
    private readonly RecordingTimeProvider _time = new();
    private readonly RecordingLoggerFactory _logs = new();

    public void Dispose() => _refunds.Dispose();

    [Fact]
    public async Task A_waiter_cancelled_last_in_line_gives_the_next_caller_the_wait_it_would_have_had()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var limiter = Limiter(connection, burst: 1);
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None); // A takes the burst

        using var cancelB = new CancellationTokenSource();
        var b = await StartWaiterAsync(limiter, "B", cancelB.Token);
        var bWait = _time.DueTimes[^1];
        AssertAbout(Interval, bWait, "B waits for the next slot");

        await cancelB.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.WaitAsync(Bound));
        Assert.Equal(["returned"], await RefundResultsAsync(limiter, 1));

        // Without the refund C would be told about 200 s (behind B's forfeited slot).
        var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(
            () => limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask());
        Assert.NotNull(rejected.RetryAfter);
        AssertAbout(bWait, rejected.RetryAfter.Value, "C's retry-after is B's wait");

        // Waiting at most 150 s, C gets B's slot instead of being rejected.
        var c = await StartWaiterAsync(limiter, "C", CancellationToken.None, maxWait: TimeSpan.FromSeconds(150));
        var cWait = _time.DueTimes[^1];
        Assert.True(cWait <= bWait, $"C should wait no longer than B would have ({bWait}), but waits {cWait}.");
        AssertAbout(bWait, cWait, "C waits for B's slot");
        _time.Advance(cWait);
        await c.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_waiter_cancelled_with_others_behind_it_frees_its_slot_for_exactly_one_caller()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var limiter = Limiter(connection, burst: 1);
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

        using var cancelC = new CancellationTokenSource();
        var b = await StartWaiterAsync(limiter, "B", CancellationToken.None);
        var c = await StartWaiterAsync(limiter, "C", cancelC.Token);
        var d = await StartWaiterAsync(limiter, "D", CancellationToken.None);
        var cWait = _time.DueTimes[1];
        AssertAbout(Interval * 2, cWait, "C waits for the second slot");

        await cancelC.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.WaitAsync(Bound));
        Assert.Equal(["held"], await RefundResultsAsync(limiter, 1));
        var redisDb = connection.GetDatabase();
        Assert.Equal(1, await redisDb.SortedSetLengthAsync(((RedisTokenBucket)limiter).FreedSlotsKey));

        // E gets C's slot. Moving the bucket back by one interval would have told E D's start (about 300 s):
        // two callers at once with a burst of 1.
        var e = await StartWaiterAsync(limiter, "E", CancellationToken.None);
        var f = await StartWaiterAsync(limiter, "F", CancellationToken.None);
        var (eWait, fWait) = (_time.DueTimes[3], _time.DueTimes[4]);
        AssertAbout(cWait, eWait, "E takes C's slot");
        AssertAbout(Interval * 4, fWait, "F queues behind D");
        Assert.False(await redisDb.KeyExistsAsync(((RedisTokenBucket)limiter).FreedSlotsKey), "The freed slot is taken once.");

        // On the clock of the waits: one caller per interval, in slot order.
        Task[] callers = [b, d, e, f];
        Task[] order = [b, e, d, f];
        for (var slot = 0; slot < order.Length; slot++)
        {
            _time.Advance(Interval);
            await order[slot].WaitAsync(Bound);
            Assert.Equal(slot + 1, callers.Count(t => t.IsCompleted));
        }

    }

    [Fact]
    public async Task Cancelled_waiters_give_back_their_slots_and_not_one_permit_more()
    {
        const int Burst = 3;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var limiter = Limiter(connection, Burst);
        for (var i = 0; i < Burst; i++)
        {
            await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        }

        var cancellations = new CancellationTokenSource[4];
        var waiters = new Task[4];
        for (var i = 0; i < waiters.Length; i++)
        {
            cancellations[i] = new CancellationTokenSource();
            waiters[i] = await StartWaiterAsync(limiter, $"W{i + 1}", cancellations[i].Token);
        }

        // Middle, last, first, then the new last: held slots are folded back in once they are last.
        int[] cancelOrder = [1, 3, 0, 2];
        foreach (var index in cancelOrder)
        {
            var before = (await RefundResultsAsync(limiter, 0)).Count;
            await cancellations[index].CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiters[index].WaitAsync(Bound));
            await RefundResultsAsync(limiter, before + 1);
            cancellations[index].Dispose();
        }

        Assert.Equal(["held", "returned", "held", "returned"], await RefundResultsAsync(limiter, 4));
        Assert.False(await connection.GetDatabase().KeyExistsAsync(((RedisTokenBucket)limiter).FreedSlotsKey));

        // The burst was spent and (in Redis time) nothing has refilled: the refunds returned nothing extra.
        var admittedAtOnce = 0;
        RateLimitRejectedException? rejection = null;
        for (var i = 0; i < Burst + 4 && rejection is null; i++)
        {
            try
            {
                await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
                admittedAtOnce++;
            }
            catch (RateLimitRejectedException e)
            {
                rejection = e;
            }
        }

        Assert.Equal(0, admittedAtOnce);
        AssertAbout(Interval, rejection!.RetryAfter!.Value, "the first waiter's slot is the next one");

        // New waiters get the four slots back, one per interval, and then the next one.
        var dueBefore = _time.DueTimes.Count;
        for (var i = 1; i <= 5; i++)
        {
            await StartWaiterAsync(limiter, $"X{i}", CancellationToken.None);
            AssertAbout(Interval * i, _time.DueTimes[dueBefore + i - 1], $"X{i} waits for slot {i}");
        }
    }

    [Fact]
    public async Task A_waiter_cancelled_before_the_script_answers_still_gives_its_reservation_back()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(AdminOptions());
        var limiter = Limiter(connection, burst: 1);
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

        // While writes are paused the acquisition script queues in Redis; B gives up before it answers.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "30000", "WRITE");
        Task b;
        try
        {
            using var cancelB = new CancellationTokenSource();
            b = limiter.AcquireAsync(RateLimitMode.Wait, Timeout.InfiniteTimeSpan, cancelB.Token).AsTask();
            await cancelB.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.WaitAsync(Bound));
        }
        finally
        {
            await admin.GetDatabase().ExecuteAsync("CLIENT", "UNPAUSE");
        }

        // Then the script reserves B's slot, and B's refund takes it back.
        Assert.Equal(["returned"], await RefundResultsAsync(limiter, 1));
        Assert.Empty(_time.DueTimes);
        var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(
            () => limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask());
        AssertAbout(Interval, rejected.RetryAfter!.Value, "the slot B reserved is free");
    }

    [Fact]
    public async Task A_refund_Redis_does_not_answer_neither_delays_nor_fails_the_cancelled_caller_and_is_counted_and_logged()
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AsyncTimeout = 3_000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(AdminOptions());
        var limiter = Limiter(connection, burst: 1);
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        using var cancelB = new CancellationTokenSource();
        var b = await StartWaiterAsync(limiter, "B", cancelB.Token);

        // Writes (the refund script) stall in Redis until the client's 3 s timeout gives up on them.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "30000", "WRITE");
        try
        {
            await cancelB.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.WaitAsync(Bound));
            // B is already done while its refund still stalls in Redis: the refund did not hold it up.
            Assert.DoesNotContain(_refunds.GetMeasurementSnapshot(), m => Equals(m.Tags["aspects.limiter"], limiter.Name));

            Assert.Equal(["failed"], await RefundResultsAsync(limiter, 1));
        }
        finally
        {
            await admin.GetDatabase().ExecuteAsync("CLIENT", "UNPAUSE");
        }

        var failure = Assert.Single(_refunds.GetMeasurementSnapshot(), m => Equals(m.Tags["aspects.limiter"], limiter.Name));
        Assert.EndsWith("TimeoutException", (string)failure.Tags["error.type"]!, StringComparison.Ordinal);
        var log = Assert.Single(_logs.Entries, e => e.EventId.Id == 2103);
        Assert.Equal((LogLevel.Debug, "RateLimitRefundFailed"), (log.Level, log.EventId.Name));
        Assert.Contains(limiter.Name, log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    private AspectRateLimiter Limiter(IConnectionMultiplexer connection, int burst)
    {
        var runtime = new AspectRuntime(new()
        {
            TimeProvider = _time,
            LoggerFactory = _logs,
            DistributedRateLimiters = new RedisRateLimiterFactory(connection),
        });
        var limiter = runtime.RateLimiters.GetOrCreate($"refund-{Guid.NewGuid():N}", Rate, burst, RateLimitScope.Distributed);
        Assert.IsType<RedisTokenBucket>(limiter);
        return limiter;
    }

    private ConfigurationOptions AdminOptions()
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AllowAdmin = true;
        return options;
    }

    /// <summary>Starts a waiting caller and returns once its reservation is made and its wait has started.</summary>
    private async Task<Task> StartWaiterAsync(AspectRateLimiter limiter, string who, CancellationToken cancellationToken, TimeSpan? maxWait = null)
    {
        var waiter = limiter.AcquireAsync(RateLimitMode.Wait, maxWait ?? Timeout.InfiniteTimeSpan, cancellationToken).AsTask();
        var started = _time.WaitForTimerAsync($"{who}'s wait");
        var first = await Task.WhenAny(started, waiter);
        if (first == waiter)
        {
            await waiter; // a rejection or failure says why
            throw new InvalidOperationException($"{who} was admitted at once; it should have waited.");
        }

        await started;
        return waiter;
    }

    /// <summary>The refund results of <paramref name="limiter"/>, once there are at least <paramref name="count"/>.</summary>
    private async Task<IReadOnlyList<string>> RefundResultsAsync(AspectRateLimiter limiter, int count)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            var all = _refunds.GetMeasurementSnapshot();
            var results = all
                .Where(m => Equals(m.Tags["aspects.limiter"], limiter.Name))
                .Select(m => (string)m.Tags["aspects.ratelimit.refund_result"]!)
                .ToList();
            if (results.Count >= count)
            {
                return results;
            }

            try
            {
                await _refunds.WaitForMeasurementsAsync(all.Count + 1, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"Only {results.Count} of {count} refunds of '{limiter.Name}' were counted within {Bound.TotalSeconds:0} s: [{string.Join(", ", results)}].");
            }
        }
    }

    private static void AssertAbout(TimeSpan expected, TimeSpan actual, string what) =>
        Assert.True(
            actual <= expected + TimeSpan.FromMilliseconds(1) && actual > expected - Slack,
            $"{what}: expected about {expected} (at most {Slack} less for real time passing), was {actual}.");
}

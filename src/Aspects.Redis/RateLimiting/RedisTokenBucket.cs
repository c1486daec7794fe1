using System.Diagnostics.Metrics;
using System.Globalization;
using Aspects.RateLimiting;
using Aspects.Telemetry;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Aspects.Redis.RateLimiting;

/// <summary>
/// A token bucket kept in Redis and shared by every process that uses the same key: one Lua script per
/// acquisition, timed by Redis <c>TIME</c> (so client clocks do not matter).
/// </summary>
/// <remarks>
/// <para>
/// The state is one key, <c>{prefix}{name}</c> in braces so it is a Redis Cluster hash tag, holding the
/// bucket's "theoretical arrival time" (GCRA) in microseconds; it expires once the bucket would be full
/// again, so idle buckets vanish. A caller that may wait reserves its permit in the same script and is
/// told how long to wait; it then waits on the runtime's <see cref="TimeProvider"/>. Reservations are
/// ordered by Redis, so waiters across all processes are served first come, first served.
/// </para>
/// <para>
/// A waiter cancelled before its turn (or while its acquisition is still on the wire) gives its reservation
/// back with a second script, fire and forget: the caller gets its <see cref="OperationCanceledException"/> at
/// once. If it was the last in line the arrival time moves back by its permits (never below Redis <c>TIME</c>);
/// otherwise its slot goes into a sorted set, <see cref="FreedSlotsKey"/>, and the next caller that would wait
/// longer takes it whole, starting exactly when the cancelled waiter would have. Either way the bucket admits
/// no more than without the cancelled reservation; a freed slot whose start has passed is dropped. A caller
/// who takes a freed slot may start before earlier waiters whose slots are later; they keep their turns.
/// </para>
/// <para>
/// The refund is best effort: when Redis does not answer it (within the multiplexer's command timeout) the
/// permit is forfeited, logged at debug level (event 2103, <c>RateLimitRefundFailed</c>) and counted in
/// <c>aspects.ratelimit.refunds</c> with <c>aspects.ratelimit.refund_result</c> = <c>failed</c> (the other
/// results: <c>returned</c>, <c>held</c> as a freed slot, <c>lapsed</c> when there was nothing left to give back).
/// </para>
/// <para>
/// The two Lua scripts (and why they never admit more than the burst) are in <see cref="RedisTokenBucketScripts"/>.
/// Waits are rounded up to whole milliseconds, so nobody starts before the slot Redis gave it. Disposing the
/// limiter ends every wait at once (see <see cref="AspectRateLimiter"/>) and gives those reservations back.
/// </para>
/// <para>
/// While Redis is unreachable, calls follow the configured <see cref="RateLimitFailureMode"/>; the first
/// failure of an outage is logged as a warning, the recovery as information, and every failure is counted
/// in <c>aspects.ratelimit.redis_errors</c>.
/// </para>
/// </remarks>
public sealed class RedisTokenBucket : AspectRateLimiter
{
    private const string RefundReturned = "returned";
    private const string RefundHeld = "held";
    private const string RefundLapsed = "lapsed";
    private const string RefundFailed = "failed";

    private static readonly Counter<long> Refunds = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.ratelimit.refunds", "{refund}",
        "Permits reserved in Redis by callers cancelled before their turn, by what became of them.");

    private static readonly Counter<long> RedisErrors = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.ratelimit.redis_errors", "{error}",
        "Rate-limit acquisitions that could not reach Redis and followed the configured failure mode.");

    // Waits before running a script again after TRYAGAIN (see EvaluateAsync): about 2 s in all.
    private static readonly TimeSpan[] TryAgainDelays =
    [
        TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10),
        TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200),
        TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1000),
    ];

    private readonly IDatabaseAsync _database;
    private readonly RedisKey[] _keys;
    // Swapped whole by Reconfigure; the next script call takes the new rate and burst.
    // {interval µs, burst}; never mutated, only replaced.
    private RedisValue[] _shape;
    private readonly RateLimitFailureMode _failureMode;
    private readonly string _failureModeTag;
    private readonly ILogger _logger;
    private int _failing;

    /// <summary>Creates the limiter; the bucket is full until the first acquisition.</summary>
    /// <param name="name">The bucket name (the key is <paramref name="keyPrefix"/> + <c>{name}</c>).</param>
    /// <param name="permitsPerSecond">The sustained rate.</param>
    /// <param name="burst">The capacity.</param>
    /// <param name="database">The Redis database.</param>
    /// <param name="keyPrefix">The start of the key.</param>
    /// <param name="failureMode">What to do while Redis is unreachable.</param>
    /// <param name="timeProvider">The clock waiters wait on.</param>
    /// <param name="loggerFactory">Where outages are logged.</param>
    /// <param name="partition">
    /// The partition key of a partitioned bucket: the key is then <paramref name="keyPrefix"/> + <c>{partition}</c>
    /// (the partition is the hash tag) while <paramref name="name"/> stays the limiter's name in metrics and logs.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">The rate or burst is outside its range; the message names the setting.</exception>
    public RedisTokenBucket(
        string name, double permitsPerSecond, int burst, IDatabaseAsync database, string keyPrefix,
        RateLimitFailureMode failureMode, TimeProvider timeProvider, ILoggerFactory loggerFactory, string? partition = null)
        : base(name, permitsPerSecond, burst, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _database = database;
        Key = $"{keyPrefix}{{{partition ?? name}}}";
        FreedSlotsKey = $"{Key}:freed";
        _keys = [Key, FreedSlotsKey];
        _shape = Shape(permitsPerSecond, burst);
        _failureMode = failureMode;
        _failureModeTag = failureMode == RateLimitFailureMode.FailOpen ? "fail_open" : "fail_closed";
        _logger = loggerFactory.CreateLogger(RedisRateLimitLog.Category);
    }

    /// <summary>The Redis key holding the bucket state (a string: the theoretical arrival time in µs).</summary>
    public string Key { get; }

    /// <summary>
    /// The Redis key holding the slots that cancelled waiters gave back while others waited behind them
    /// (a sorted set, <see cref="Key"/> + <c>:freed</c>, same hash slot); absent when there are none.
    /// </summary>
    public string FreedSlotsKey { get; }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc />
    protected override ValueTask<PermitResult> TakePermitsAsync(int permitCount, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken) =>
        new(TakeFromRedisAsync(permitCount, mode, maxWait, cancellationToken));

    private async Task<PermitResult> TakeFromRedisAsync(int permitCount, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        long maxWaitMicroseconds = mode == RateLimitMode.Reject ? 0
            : maxWait == Timeout.InfiniteTimeSpan ? -1
            : maxWait.Ticks / TimeSpan.TicksPerMicrosecond;
        var shape = Volatile.Read(ref _shape);
        RedisValue[] arguments = [shape[0], shape[1], permitCount, maxWaitMicroseconds];

        // StackExchange.Redis loads the script once per server and sends it by hash (EVALSHA); a server that
        // has forgotten it (restart, failover, SCRIPT FLUSH) answers NOSCRIPT and the client sends it again.
        var evaluation = EvaluateAsync(RedisTokenBucketScripts.Acquire, arguments);
        RedisResult result;
        try
        {
            // Redis commands take no token; WaitAsync frees the caller, and a reservation the script makes
            // meanwhile is given back once its answer arrives.
            result = await evaluation.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (permitCount > 0)
        {
            _ = RefundWhenAnsweredAsync(evaluation);
            throw;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return OnRedisFailure(e);
        }

        if (Interlocked.Exchange(ref _failing, 0) == 1)
        {
            RedisRateLimitLog.RedisRecovered(_logger, Name);
        }

        var reply = (RedisResult[])result!;
        var admitted = (long)reply[0] == 1;
        var microseconds = (long)reply[1];
        if (!admitted)
        {
            return PermitResult.Rejected(TimeSpan.FromMicroseconds(microseconds));
        }

        try
        {
            // Disposed while the script ran: nothing is admitted after disposal.
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            if (microseconds <= 0)
            {
                return PermitResult.Acquired;
            }

            // Rounded up to whole milliseconds: a shorter timer would fire at once, before the reserved start.
            await DelayAsync(TimeSpan.FromMicroseconds(microseconds), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (permitCount > 0 && e is OperationCanceledException or ObjectDisposedException)
        {
            // Fire and forget: the caller gets its cancellation now, not after a round trip it has no use
            // for, and the refund cannot fail it. The task observes its own errors (RefundAsync never
            // throws), and the multiplexer's command timeout bounds it.
            _ = RefundAsync((RedisValue)reply[2]);
            throw;
        }

        return PermitResult.AcquiredAfterWait;
    }

    // Both scripts touch two keys of one hash slot. While a Redis Cluster migrates that slot, a node holding only
    // one of them (FreedSlotsKey usually does not exist) answers TRYAGAIN ("Multiple keys request during rehashing of
    // slot") and runs nothing, so running the script again is safe; Redis asks clients to retry after a short while,
    // and a reshard moves a slot holding a few keys in milliseconds. Bounded: after TryAgainDelays (about 2 s) the
    // error is a Redis failure like any other and the configured RateLimitFailureMode applies.
    private async Task<RedisResult> EvaluateAsync(string script, RedisValue[] arguments)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await _database.ScriptEvaluateAsync(script, _keys, arguments).ConfigureAwait(false);
            }
            catch (RedisServerException e) when (attempt < TryAgainDelays.Length && e.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal))
            {
                await Task.Delay(TryAgainDelays[attempt], TimeProvider).ConfigureAwait(false);
            }
        }
    }

    // The caller stopped waiting for the script's answer; if the script reserved, nobody will use the permit.
    private async Task RefundWhenAnsweredAsync(Task<RedisResult> evaluation)
    {
        RedisValue reservation;
        try
        {
            var reply = (RedisResult[])(await evaluation.ConfigureAwait(false))!;
            if ((long)reply[0] != 1)
            {
                return;
            }

            reservation = (RedisValue)reply[2];
        }
        catch (Exception e)
        {
            // The script may or may not have run; there is no token to give back.
            CountRefund(RefundFailed, e);
            RedisRateLimitLog.RefundFailed(_logger, e, Name);
            return;
        }

        await RefundAsync(reservation).ConfigureAwait(false);
    }

    private async Task RefundAsync(RedisValue reservation)
    {
        try
        {
            var outcome = (long)await EvaluateAsync(RedisTokenBucketScripts.Refund, [reservation]).ConfigureAwait(false);
            CountRefund(outcome switch { 1 => RefundReturned, 2 => RefundHeld, _ => RefundLapsed }, null);
        }
        catch (Exception e)
        {
            // Best effort: the permit is forfeited, as it was before refunds existed.
            CountRefund(RefundFailed, e);
            RedisRateLimitLog.RefundFailed(_logger, e, Name);
        }
    }

    private void CountRefund(string outcome, Exception? error)
    {
        var limiter = new KeyValuePair<string, object?>(RateLimitMetrics.LimiterTag, Name);
        var result = new KeyValuePair<string, object?>("aspects.ratelimit.refund_result", outcome);
        if (error is null)
        {
            Refunds.Add(1, limiter, result);
        }
        else
        {
            Refunds.Add(1, limiter, result, TelemetryTags.Error(error));
        }
    }

    /// <inheritdoc />
    /// <remarks>The bucket state in Redis stays; the next acquisition (from any process using this limiter) runs with the new values.</remarks>
    protected override bool ReconfigureCore(double permitsPerSecond, int burst)
    {
        Volatile.Write(ref _shape, Shape(permitsPerSecond, burst));
        return true;
    }

    private static RedisValue[] Shape(double permitsPerSecond, int burst) =>
        [(1_000_000d / permitsPerSecond).ToString("R", CultureInfo.InvariantCulture), burst];

    private PermitResult OnRedisFailure(Exception error)
    {
        RedisErrors.Add(
            1,
            new KeyValuePair<string, object?>(RateLimitMetrics.LimiterTag, Name),
            new KeyValuePair<string, object?>("aspects.ratelimit.failure_mode", _failureModeTag),
            TelemetryTags.Error(error));
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            RedisRateLimitLog.RedisUnavailable(_logger, error, Name, _failureMode);
        }

        return _failureMode == RateLimitFailureMode.FailClosed
            ? PermitResult.Failed(new RateLimitRejectedException(
                Name, null,
                $"Rate limiter '{Name}' rejected the call because Redis is unreachable and the limiter fails closed " +
                $"(RedisRateLimiterOptions.FailureMode): {error.Message}",
                error))
            : PermitResult.Acquired;
    }
}

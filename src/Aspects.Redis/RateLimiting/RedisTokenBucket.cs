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
/// While Redis is unreachable, calls follow the configured <see cref="RateLimitFailureMode"/>; the first
/// failure of an outage is logged as a warning, the recovery as information, and every failure is counted
/// in <c>aspects.ratelimit.redis_errors</c>.
/// </para>
/// </remarks>
public sealed class RedisTokenBucket : AspectRateLimiter
{
    // KEYS[1] bucket state: the theoretical arrival time (TAT), integer µs since the Unix epoch.
    // KEYS[2] freed slots: a sorted set of reservations given back while later ones stood behind them
    //         (see RefundScript), scored by their end TAT, each member a reservation token.
    // ARGV: µs per permit, burst, permits, max wait in µs (-1 = unlimited).
    // Returns {1, wait µs, token} when admitted (after waiting that long), {0, retry-after µs} when not.
    // The token 'end:permits:before:start' (all integer µs) names the reservation for RefundScript:
    // the TAT it wrote, its permits, the TAT it started from, and when its holder may start.
    // Rounding the new TAT up makes every permit cost at least its exact interval: never over-admits.
    // A caller that would wait first looks for a freed slot (same permits, starting no earlier than now,
    // sooner than its own turn) and takes it whole: see RefundScript for why that admits nothing extra.
    // Numbers reach Redis through string.format: Lua prints large numbers with 14 digits only.
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local interval = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local permits = tonumber(ARGV[3])
        local max_wait = tonumber(ARGV[4])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tat < now then tat = now end
        local new_tat = math.ceil(tat + permits * interval)
        local wait = new_tat - burst * interval - now
        if wait < 0 then wait = 0 end
        wait = math.ceil(wait)
        if wait > 0 and permits > 0 and redis.call('EXISTS', KEYS[2]) == 1 then
            local freed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '+inf', 'LIMIT', 0, 16)
            for i = 1, #freed do
                local n, start = string.match(freed[i], '^%d+:(%d+):%d+:(%d+)$')
                start = tonumber(start)
                if not start or start < now then
                    redis.call('ZREM', KEYS[2], freed[i])
                elseif tonumber(n) == permits and start - now < wait and (max_wait < 0 or start - now <= max_wait) then
                    redis.call('ZREM', KEYS[2], freed[i])
                    return {1, start - now, freed[i]}
                end
            end
        end
        if wait > 0 and (max_wait >= 0 and wait > max_wait) then
            return {0, wait}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
        return {1, wait, string.format('%.0f:%d:%.0f:%.0f', new_tat, permits, tat, math.ceil(new_tat - burst * interval))}
        """;

    // Gives back the reservation named by ARGV[1] (a token from AcquireScript) whose holder never ran.
    // Returns 1 (returned: the TAT moved back), 2 (held: recorded as a freed slot), 0 (lapsed: nothing to do).
    //
    // Why this frees exactly the reservation's slot and never lets the bucket exceed its burst:
    // * Every acquisition moves the TAT from `before` up to `end` (> before), and a refund of the newest
    //   reservation moves it back to exactly `before`, so the TAT behaves like a stack: while our reservation
    //   stands, TAT >= end, with equality only when every reservation made after ours (by any process) has
    //   been given back. So TAT == end means ours is the last in line: moving the TAT back to `before` (the
    //   TAT ours started from, already clamped to the TIME of its acquisition) leaves Redis exactly as if we
    //   had never reserved. A value below TIME now means the bucket is full, so the key is deleted (the
    //   acquire script treats a missing key as TIME now): the TAT never goes below now, and the next caller
    //   gets our slot, no earlier and no later. Freed slots directly below become last in turn and are
    //   taken back the same way.
    // * When others reserved after us (TAT > end), moving the TAT back by our interval would be wrong:
    //   their waits are fixed in their own processes, so the next caller would be told the same start as
    //   the last of them, two callers at once where the schedule had room for one (more than the burst).
    //   Instead the slot is recorded in KEYS[2]; the acquire script hands it whole (same permits, same start)
    //   to the next caller who would otherwise wait longer. The set of starts stays one the script has
    //   already admitted, with one holder swapped for another, so nothing extra is admitted.
    // * A slot whose start has passed is dropped, not handed out late: a late start could coincide with a
    //   later slot. That permit is lost (the bucket errs on the side of admitting less).
    // * No key (expired or flushed) means the bucket is full again: nothing to give back.
    private const string RefundScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local current = redis.call('GET', KEYS[1])
        if not current then return 0 end
        local tat = tonumber(current)
        local reserved_end, before, start = string.match(ARGV[1], '^(%d+):%d+:(%d+):(%d+)$')
        if tat == tonumber(reserved_end) then
            tat = tonumber(before)
            while true do
                local below = redis.call('ZRANGEBYSCORE', KEYS[2], string.format('%.0f', tat), string.format('%.0f', tat), 'LIMIT', 0, 1)
                if #below == 0 then break end
                redis.call('ZREM', KEYS[2], below[1])
                tat = tonumber(string.match(below[1], '^%d+:%d+:(%d+):'))
            end
            if tat <= now then
                redis.call('DEL', KEYS[1])
            else
                redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
            end
            return 1
        end
        start = tonumber(start)
        if tat > tonumber(reserved_end) and start > now then
            redis.call('ZADD', KEYS[2], reserved_end, ARGV[1])
            local ttl = math.ceil((start - now) / 1000) + 1000
            if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
            return 2
        end
        return 0
        """;

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
    /// <exception cref="ArgumentOutOfRangeException">The rate or burst is outside its range; the message names the setting.</exception>
    public RedisTokenBucket(
        string name, double permitsPerSecond, int burst, IDatabaseAsync database, string keyPrefix,
        RateLimitFailureMode failureMode, TimeProvider timeProvider, ILoggerFactory loggerFactory)
        : base(name, permitsPerSecond, burst, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _database = database;
        Key = $"{keyPrefix}{{{name}}}";
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
    protected override ValueTask<bool> AcquireCoreAsync(int permitCount, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken) =>
        new(AcquireFromRedisAsync(permitCount, mode, maxWait, cancellationToken));

    private async Task<bool> AcquireFromRedisAsync(int permitCount, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        long maxWaitMicroseconds = mode == RateLimitMode.Reject ? 0
            : maxWait == Timeout.InfiniteTimeSpan ? -1
            : maxWait.Ticks / TimeSpan.TicksPerMicrosecond;
        var shape = Volatile.Read(ref _shape);
        RedisValue[] arguments = [shape[0], shape[1], permitCount, maxWaitMicroseconds];

        // StackExchange.Redis loads the script once per server and sends it by hash (EVALSHA); a server that
        // has forgotten it (restart, failover, SCRIPT FLUSH) answers NOSCRIPT and the client sends it again.
        var evaluation = _database.ScriptEvaluateAsync(AcquireScript, _keys, arguments);
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
            throw new RateLimitRejectedException(Name, TimeSpan.FromMicroseconds(microseconds));
        }

        if (microseconds <= 0 || permitCount == 0)
        {
            return false;
        }

        try
        {
            await Task.Delay(TimeSpan.FromMicroseconds(microseconds), TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Fire and forget: the caller gets its cancellation now, not after a round trip it has no use
            // for, and the refund cannot fail it. The task observes its own errors (RefundAsync never
            // throws), and the multiplexer's command timeout bounds it.
            _ = RefundAsync((RedisValue)reply[2]);
            throw;
        }

        return true;
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
            var outcome = (long)await _database.ScriptEvaluateAsync(RefundScript, _keys, [reservation]).ConfigureAwait(false);
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

    private bool OnRedisFailure(Exception error)
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

        if (_failureMode == RateLimitFailureMode.FailClosed)
        {
            throw new RateLimitRejectedException(
                Name, null,
                $"Rate limiter '{Name}' rejected the call because Redis is unreachable and the limiter fails closed " +
                $"(RedisRateLimiterOptions.FailureMode): {error.Message}",
                error);
        }

        return false;
    }
}

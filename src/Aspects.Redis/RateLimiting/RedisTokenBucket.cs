using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
/// ordered by Redis, so waiters across all processes are served first come, first served. A waiter
/// cancelled after its reservation forfeits that permit (the bucket errs on the side of admitting less).
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
    // ARGV: µs per permit, burst, permits, max wait in µs (-1 = unlimited).
    // Returns {1, wait µs} when admitted (after waiting that long), {0, retry-after µs} when not.
    // Rounding the new TAT up makes every permit cost at least its exact interval: never over-admits.
    private const string Script = """
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
        if wait > 0 and (max_wait >= 0 and wait > max_wait) then
            return {0, wait}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
        return {1, wait}
        """;

    private static readonly LuaScript Prepared = LuaScript.Prepare(Script);
    private static readonly byte[] ScriptHash = SHA1.HashData(Encoding.UTF8.GetBytes(Prepared.ExecutableScript));

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
    public RedisTokenBucket(
        string name, double permitsPerSecond, int burst, IDatabaseAsync database, string keyPrefix,
        RateLimitFailureMode failureMode, TimeProvider timeProvider, ILoggerFactory loggerFactory)
        : base(name, permitsPerSecond, burst, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (!(permitsPerSecond > 0 && permitsPerSecond <= RateLimiterRegistry.MaxPermitsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(permitsPerSecond), permitsPerSecond, $"PermitsPerSecond of rate limiter '{name}' must be greater than 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _database = database;
        Key = $"{keyPrefix}{{{name}}}";
        _keys = [Key];
        _shape = Shape(permitsPerSecond, burst);
        _failureMode = failureMode;
        _failureModeTag = failureMode == RateLimitFailureMode.FailOpen ? "fail_open" : "fail_closed";
        _logger = loggerFactory.CreateLogger(RedisRateLimitLog.Category);
    }

    /// <summary>The Redis key holding the bucket state.</summary>
    public string Key { get; }

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

        RedisResult result;
        try
        {
            // Redis commands take no token; WaitAsync frees the caller, and a reservation made meanwhile is forfeited.
            result = await EvaluateAsync(arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
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

        await Task.Delay(TimeSpan.FromMicroseconds(microseconds), TimeProvider, cancellationToken).ConfigureAwait(false);
        return true;
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

    // EVALSHA first (only the hash travels); a server that does not know the script yet (first use,
    // restart, failover) answers NOSCRIPT and gets the whole script once with EVAL, which caches it.
    private async Task<RedisResult> EvaluateAsync(RedisValue[] arguments)
    {
        try
        {
            return await _database.ScriptEvaluateAsync(ScriptHash, _keys, arguments).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await _database.ScriptEvaluateAsync(Prepared.ExecutableScript, _keys, arguments).ConfigureAwait(false);
        }
    }

    private bool OnRedisFailure(Exception error)
    {
        RedisErrors.Add(
            1,
            new KeyValuePair<string, object?>("aspects.limiter", Name),
            new KeyValuePair<string, object?>("aspects.ratelimit.failure_mode", _failureModeTag),
            new KeyValuePair<string, object?>("error.type", error.GetType().FullName));
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

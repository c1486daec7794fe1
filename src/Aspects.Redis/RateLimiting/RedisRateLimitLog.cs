using Aspects.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Aspects.Redis.RateLimiting;

/// <summary>Log messages of the Redis rate limiter (event IDs 2100–2199).</summary>
internal static partial class RedisRateLimitLog
{
    public const string Category = "Aspects.Redis.RateLimiting";

    [LoggerMessage(EventId = 2101, EventName = "RateLimitRedisUnavailable", Level = LogLevel.Warning,
        Message = "Redis is unreachable for rate limiter '{LimiterName}'; until it answers again calls are handled " +
                  "as {FailureMode} (RedisRateLimiterOptions.FailureMode). Each failed call is counted in aspects.ratelimit.redis_errors.")]
    public static partial void RedisUnavailable(ILogger logger, Exception exception, string limiterName, RateLimitFailureMode failureMode);

    [LoggerMessage(EventId = 2102, EventName = "RateLimitRedisRecovered", Level = LogLevel.Information,
        Message = "Redis answers again for rate limiter '{LimiterName}'; the distributed limit is enforced again.")]
    public static partial void RedisRecovered(ILogger logger, string limiterName);

    [LoggerMessage(EventId = 2103, EventName = "RateLimitRefundFailed", Level = LogLevel.Debug,
        Message = "Could not give a cancelled waiter's permit back to rate limiter '{LimiterName}' in Redis; the permit is " +
                  "forfeited. Counted in aspects.ratelimit.refunds (aspects.ratelimit.refund_result = failed).")]
    public static partial void RefundFailed(ILogger logger, Exception exception, string limiterName);
}

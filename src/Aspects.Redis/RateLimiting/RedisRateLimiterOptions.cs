using Aspects.RateLimiting;

namespace Aspects.Redis.RateLimiting;

/// <summary>Settings of <see cref="RedisRateLimiterFactory"/>.</summary>
public sealed class RedisRateLimiterOptions
{
    /// <summary>
    /// What limiters do while Redis is unreachable. Default <see cref="RateLimitFailureMode.FailOpen"/>
    /// (calls go through, unlimited, logged and counted); <see cref="RateLimitFailureMode.FailClosed"/>
    /// rejects them with <see cref="RateLimitRejectedException"/>.
    /// </summary>
    public RateLimitFailureMode FailureMode { get; set; } = RateLimitFailureMode.FailOpen;

    /// <summary>
    /// The start of every bucket key; the bucket name follows in braces (a Redis Cluster hash tag):
    /// <c>aspects:rl:{pricing-api}</c>. Default <c>aspects:rl:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "aspects:rl:";

    /// <summary>The Redis database number; -1 (the default) is the multiplexer's default database.</summary>
    public int Database { get; set; } = -1;
}

namespace Aspects.RateLimiting;

/// <summary>
/// Creates the limiters of <see cref="RateLimitScope.Distributed"/> buckets; plug one in through
/// <see cref="AspectRuntimeOptions.DistributedRateLimiters"/> (for example <c>RedisRateLimiterFactory</c>).
/// </summary>
public interface IDistributedRateLimiterFactory
{
    /// <summary>
    /// Creates the limiter of bucket <paramref name="name"/>; called once per name and runtime by
    /// <see cref="RateLimiterRegistry"/>, with values already validated.
    /// </summary>
    /// <param name="name">The bucket name, shared by every process that uses it.</param>
    /// <param name="permitsPerSecond">The sustained rate, greater than 0.</param>
    /// <param name="burst">The bucket capacity, at least 1.</param>
    /// <param name="runtime">The runtime asking: its <see cref="AspectRuntime.TimeProvider"/> is the clock to wait on, its <see cref="AspectRuntime.LoggerFactory"/> where to log.</param>
    /// <returns>The limiter.</returns>
    AspectRateLimiter Create(string name, double permitsPerSecond, int burst, AspectRuntime runtime);
}

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

    /// <summary>
    /// Creates the limiter of partition <paramref name="partition"/> of bucket <paramref name="name"/> (a method
    /// with a <see cref="RateLimitPartitionAttribute"/> parameter); called when the partition is first used, again
    /// after an idle partition was dropped. Every process that uses the same name and partition shares the bucket;
    /// the limiter's <see cref="AspectRateLimiter.Name"/> is <paramref name="name"/>, so the partition never reaches
    /// metrics or logs.
    /// </summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="partition">The partition key: <paramref name="name"/>, <c>:</c> and the argument's escaped text (see <c>Aspects.Caching.CacheKeyBuilder</c>).</param>
    /// <param name="permitsPerSecond">The sustained rate, greater than 0.</param>
    /// <param name="burst">The bucket capacity, at least 1.</param>
    /// <param name="runtime">The runtime asking.</param>
    /// <returns>The limiter.</returns>
    /// <exception cref="NotSupportedException">The factory has no partitioned buckets (the default).</exception>
    AspectRateLimiter CreatePartition(string name, string partition, double permitsPerSecond, int burst, AspectRuntime runtime) =>
        throw new NotSupportedException(
            $"{GetType().Name} cannot create partitioned buckets (rate limiter '{name}'); implement IDistributedRateLimiterFactory.CreatePartition.");
}

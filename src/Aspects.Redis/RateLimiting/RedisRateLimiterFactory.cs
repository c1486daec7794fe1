using Aspects.RateLimiting;
using StackExchange.Redis;

namespace Aspects.Redis.RateLimiting;

/// <summary>
/// Makes <c>[RateLimited(Scope = RateLimitScope.Distributed)]</c> buckets live in Redis, shared by every
/// process using the same Redis and bucket name. Plug it in through
/// <see cref="AspectRuntimeOptions.DistributedRateLimiters"/>.
/// </summary>
/// <remarks>
/// Use the process's one shared multiplexer. Configure it with <c>abortConnect=false</c>, and consider
/// <see cref="BacklogPolicy.FailFast"/> so that calls during an outage fail (and follow
/// <see cref="RedisRateLimiterOptions.FailureMode"/>) at once instead of queueing until the command timeout.
/// </remarks>
/// <param name="redis">The connection.</param>
/// <param name="options">The settings; defaults when <see langword="null"/>.</param>
public sealed class RedisRateLimiterFactory(IConnectionMultiplexer redis, RedisRateLimiterOptions? options = null)
    : IDistributedRateLimiterFactory
{
    /// <summary>What follows <see cref="RedisRateLimiterOptions.KeyPrefix"/> in the key of a partition's bucket.</summary>
    public const string PartitionKeyPrefix = "partition:";

    private readonly IConnectionMultiplexer _redis = redis ?? throw new ArgumentNullException(nameof(redis));
    private readonly RedisRateLimiterOptions _options = Validate(options ?? new RedisRateLimiterOptions());

    /// <inheritdoc />
    public AspectRateLimiter Create(string name, double permitsPerSecond, int burst, AspectRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return new RedisTokenBucket(
            name, permitsPerSecond, burst, _redis.GetDatabase(_options.Database), _options.KeyPrefix, _options.FailureMode,
            runtime.TimeProvider, runtime.LoggerFactory);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The key is <see cref="RedisRateLimiterOptions.KeyPrefix"/> + <c>partition:{</c> + <paramref name="partition"/>
    /// + <c>}</c>: the partition is the Redis Cluster hash tag, so the bucket's two keys share a slot while partitions
    /// spread over the cluster, and no partition key can equal an unpartitioned bucket's
    /// (<see cref="RedisRateLimiterOptions.KeyPrefix"/> + <c>{name}</c>).
    /// </remarks>
    public AspectRateLimiter CreatePartition(string name, string partition, double permitsPerSecond, int burst, AspectRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrEmpty(partition);
        return new RedisTokenBucket(
            name, permitsPerSecond, burst, _redis.GetDatabase(_options.Database), _options.KeyPrefix + PartitionKeyPrefix, _options.FailureMode,
            runtime.TimeProvider, runtime.LoggerFactory, partition);
    }

    private static RedisRateLimiterOptions Validate(RedisRateLimiterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.KeyPrefix, $"{nameof(RedisRateLimiterOptions)}.{nameof(RedisRateLimiterOptions.KeyPrefix)}");
        if (options.FailureMode is not (RateLimitFailureMode.FailOpen or RateLimitFailureMode.FailClosed))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.FailureMode, $"{nameof(RedisRateLimiterOptions)}.{nameof(RedisRateLimiterOptions.FailureMode)} must be FailOpen or FailClosed.");
        }

        return options;
    }
}

using Aspects.IntegrationTests.Rig;
using Aspects.Redis.RateLimiting;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.RateLimiting;

/// <summary>[RateLimitPartition] on a distributed bucket, against the real redis-server: a Redis bucket per partition.</summary>
[Collection(RedisCollection.Name)]
public sealed partial class RedisRateLimitPartitionTests(RedisFixture redis)
{
    [Fact]
    public async Task Two_runtimes_share_a_partitions_bucket_and_two_partitions_are_independent()
    {
        await using var first = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var second = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var one = new QuoteApi(new AspectRuntime(new() { DistributedRateLimiters = new RedisRateLimiterFactory(first) }));
        var two = new QuoteApi(new AspectRuntime(new() { DistributedRateLimiters = new RedisRateLimiterFactory(second) }));
        var tenantA = "a:" + Guid.NewGuid().ToString("N");
        var tenantB = "b:" + Guid.NewGuid().ToString("N");

        // Burst 3, one permit an hour: the two runtimes take the three permits of partition A together.
        await one.GetQuoteAsync(tenantA);
        await two.GetQuoteAsync(tenantA);
        await one.GetQuoteAsync(tenantA);
        var rejectedOne = await Assert.ThrowsAsync<RateLimitRejectedException>(() => one.GetQuoteAsync(tenantA));
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => two.GetQuoteAsync(tenantA));

        // Partition B still has its whole burst, in both runtimes.
        await two.GetQuoteAsync(tenantB);
        await one.GetQuoteAsync(tenantB);
        await two.GetQuoteAsync(tenantB);
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => one.GetQuoteAsync(tenantB));

        // RetryAfter is partition A's: its next permit is about an hour away; the rejection names the bucket only.
        Assert.InRange(rejectedOne.RetryAfter!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal("partitioned-quotes", rejectedOne.LimiterName);
        Assert.DoesNotContain(tenantA, rejectedOne.Message, StringComparison.Ordinal);

        // Each partition is its own key, hash-tagged by the partition: "a:…" is escaped to "a\:…" (CacheKeyBuilder).
        var database = first.GetDatabase();
        var keyA = "aspects:rl:partition:{partitioned-quotes:" + tenantA.Replace(":", "\\:", StringComparison.Ordinal) + "}";
        var keyB = "aspects:rl:partition:{partitioned-quotes:" + tenantB.Replace(":", "\\:", StringComparison.Ordinal) + "}";
        Assert.True(await database.KeyExistsAsync(keyA), "Partition A has no Redis key " + keyA);
        Assert.True(await database.KeyExistsAsync(keyB), "Partition B has no Redis key " + keyB);
        Assert.False(await database.KeyExistsAsync("aspects:rl:{partitioned-quotes}"), "A partitioned method must not use the unpartitioned key.");
    }

    internal sealed partial class QuoteApi(AspectRuntime aspects)
    {
        [RateLimited(Name = "partitioned-quotes", PermitsPerSecond = 1.0 / 3600, Burst = 3, Mode = RateLimitMode.Reject, Scope = RateLimitScope.Distributed)]
        public partial Task<int> GetQuoteAsync([RateLimitPartition] string tenant, CancellationToken cancellationToken = default);

        private Task<int> GetQuoteCoreAsync(string tenant, CancellationToken cancellationToken) => Task.FromResult(1);
    }
}

using Aspects.IntegrationTests.Rig;
using Aspects.RateLimiting;
using Aspects.Redis.RateLimiting;
using Aspects.Tests.RateLimiting;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.RateLimiting;

/// <summary>
/// The <see cref="System.Threading.RateLimiting.RateLimiter"/> contract for the Redis bucket against the real
/// server. Redis <c>TIME</c> cannot be faked, so time passes for real: the rates are chosen so that what must stay
/// pending is due many seconds later, and what must complete is due within a fraction of a second.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisTokenBucketContractTests(RedisFixture redis) : RateLimiterContractTests, IAsyncLifetime
{
    private ConnectionMultiplexer? _connection;

    protected override bool ClockIsControlled => false;

    public async Task InitializeAsync() => _connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    protected override AspectRateLimiter Create(double permitsPerSecond, int burst)
    {
        var runtime = new AspectRuntime(new() { DistributedRateLimiters = new RedisRateLimiterFactory(_connection!) });
        var limiter = runtime.RateLimiters.GetOrCreate($"contract-{Guid.NewGuid():N}", permitsPerSecond, burst, RateLimitScope.Distributed);
        return Assert.IsType<RedisTokenBucket>(limiter);
    }

    protected override void Advance(TimeSpan duration)
    {
        // Real time: the waits under test take it themselves.
    }
}

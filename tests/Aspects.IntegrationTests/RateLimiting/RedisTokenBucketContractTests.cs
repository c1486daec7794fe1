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

    [Fact]
    public async Task A_zero_permit_wait_whose_timer_fires_early_succeeds_only_once_a_permit_is_there()
    {
        // Redis says how long until a permit (from its TIME); the client waits that long on its own clock, whose
        // timers here fire a millisecond early, as a system timer may. Success must mean a permit is there.
        var runtime = new AspectRuntime(new()
        {
            DistributedRateLimiters = new RedisRateLimiterFactory(_connection!),
            TimeProvider = new Aspects.Tests.Infrastructure.EarlyTimers(TimeProvider.System),
        });
        using var limiter = runtime.RateLimiters.GetOrCreate($"early-{Guid.NewGuid():N}", 5, 1, RateLimitScope.Distributed);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        for (var round = 1; round <= 10; round++)
        {
            using var waited = await limiter.AcquireAsync(0).AsTask().WaitAsync(Bound);
            Assert.True(waited.IsAcquired);
            Assert.True(limiter.AttemptAcquire(1).IsAcquired, $"Round {round}: the zero-permit wait succeeded before a permit was there.");
        }
    }

    protected override void Advance(TimeSpan duration)
    {
        // Real time: the waits under test take it themselves.
    }
}

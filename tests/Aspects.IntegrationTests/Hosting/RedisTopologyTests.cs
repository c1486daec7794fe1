using Aspects.Hosting;
using Aspects.IntegrationTests.Rig;
using Aspects.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.Hosting;

/// <summary>
/// What <c>AddAspects(a =&gt; a.UseRedis(connectionString))</c> promises, run against each Redis topology: the L2 is
/// shared, invalidations reach the other nodes through the backplane (pub/sub), and a distributed bucket admits no
/// more than its burst across nodes. <see cref="SingleRedisTopologyTests"/> runs them on one server,
/// <see cref="RedisClusterTopologyTests"/> on a three-master cluster (issue 12 item 9).
/// </summary>
public abstract partial class RedisTopologyTests
{
    protected static readonly TimeSpan BoundedWait = TimeSpan.FromSeconds(15);

    // A prefix per test keeps its keys, buckets and backplane channel apart from the other tests' on the same Redis.
    protected readonly string Prefix = "topo" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The connection string of the Redis under test.</summary>
    protected abstract string ConnectionString { get; }

    [Fact]
    public async Task A_second_container_gets_the_value_from_the_L2_without_running_the_body()
    {
        var sku = "sku-" + Guid.NewGuid().ToString("N");
        await using var first = Container();
        await using var second = Container();
        var firstService = first.GetRequiredService<StockService>();
        var secondService = second.GetRequiredService<StockService>();

        Assert.Equal($"{sku} v1", await firstService.GetStockAsync(sku).WaitAsync(BoundedWait));
        await WaitForL2KeyAsync(first, sku);
        Assert.Equal($"{sku} v1", await secondService.GetStockAsync(sku).WaitAsync(BoundedWait));

        Assert.Equal(1, firstService.Loads);
        Assert.Equal(0, secondService.Loads);
    }

    [Fact]
    public async Task An_invalidation_on_one_container_reaches_the_others_local_copy_through_the_backplane()
    {
        var sku = "sku-" + Guid.NewGuid().ToString("N");
        await using var first = Container();
        await using var second = Container();
        var firstService = first.GetRequiredService<StockService>();
        var secondService = second.GetRequiredService<StockService>();
        await WaitForSubscribersAsync(first, 2);

        Assert.Equal($"{sku} v1", await firstService.GetStockAsync(sku).WaitAsync(BoundedWait));
        await WaitForL2KeyAsync(first, sku);
        Assert.Equal($"{sku} v1", await secondService.GetStockAsync(sku).WaitAsync(BoundedWait));
        Assert.Equal($"{sku} v1", await secondService.GetStockAsync(sku).WaitAsync(BoundedWait)); // its L1 copy

        await firstService.SetStockAsync(sku).WaitAsync(BoundedWait);

        // The second container runs its body again once the message evicted its copy (the L2 entry is gone too).
        var deadline = DateTime.UtcNow + BoundedWait;
        while (secondService.Loads == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The second container still served its local copy {BoundedWait.TotalSeconds} s after the invalidation.");
            await secondService.GetStockAsync(sku).WaitAsync(BoundedWait);
            await Task.Delay(10);
        }

        Assert.Equal($"{sku} v1", await secondService.GetStockAsync(sku).WaitAsync(BoundedWait));
        Assert.Equal(1, secondService.Loads);
    }

    [Fact]
    public async Task A_distributed_bucket_admits_its_burst_and_no_more_across_containers()
    {
        const int Burst = 3;
        var name = "bucket-" + Guid.NewGuid().ToString("N");
        await using var first = Container();
        await using var second = Container();
        var limiters = new[] { first, second }
            .Select(c => c.GetRequiredService<AspectRuntime>().RateLimiters.GetOrCreate(name, 0.001, Burst, RateLimitScope.Distributed))
            .ToArray();

        var admitted = 0;
        for (var round = 0; round < 5; round++)
        {
            foreach (var limiter in limiters)
            {
                try
                {
                    await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask().WaitAsync(BoundedWait);
                    admitted++;
                }
                catch (RateLimitRejectedException)
                {
                }
            }
        }

        Assert.Equal(Burst, admitted);
    }

    /// <summary>A container like an application's: Aspects on Redis, this test's prefix, failing closed so a Redis error cannot pass as an admission.</summary>
    protected ServiceProvider Container() =>
        new ServiceCollection()
            .AddAspects(aspects => aspects
                .Configure((_, options) => options.Cache.KeyPrefix = Prefix)
                .UseRedis(ConnectionString, limits =>
                {
                    limits.KeyPrefix = Prefix + ":rl:";
                    limits.FailureMode = RateLimitFailureMode.FailClosed;
                }))
            .AddSingleton<StockService>()
            .BuildServiceProvider();

    /// <summary>Waits (bounded) until the L2 entry of <c>GetStockAsync(sku)</c> is in Redis, on whichever master owns its slot.</summary>
    protected async Task WaitForL2KeyAsync(ServiceProvider container, string sku)
    {
        var connection = container.GetRequiredService<IConnectionMultiplexer>();
        var deadline = DateTime.UtcNow + BoundedWait;
        while (!Masters(connection).Any(server => server.Keys(pattern: Prefix + "*GetStockAsync*" + sku + "*").Any()))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No L2 key for GetStockAsync({sku}) appeared within {BoundedWait.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits (bounded) until <paramref name="expected"/> connections subscribe to this test's backplane channel, counted on every master.</summary>
    protected async Task WaitForSubscribersAsync(ServiceProvider container, int expected)
    {
        var connection = container.GetRequiredService<IConnectionMultiplexer>();
        container.GetRequiredService<AspectRuntime>();
        var channel = RedisChannel.Literal(Prefix + ":cache-invalidations");
        var deadline = DateTime.UtcNow + BoundedWait;
        long subscribers = 0;
        while (DateTime.UtcNow < deadline)
        {
            subscribers = 0;
            foreach (var server in Masters(connection))
            {
                subscribers += await server.SubscriptionSubscriberCountAsync(channel);
            }

            if (subscribers >= expected)
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"Only {subscribers} of {expected} containers subscribed to {channel} within {BoundedWait.TotalSeconds} s.");
    }

    protected static IEnumerable<IServer> Masters(IConnectionMultiplexer connection) =>
        connection.GetServers().Where(server => server.IsConnected && !server.IsReplica);

    internal sealed partial class StockService(AspectRuntime aspects)
    {
        private int _loads;

        public int Loads => Volatile.Read(ref _loads);

        [Cached(DurationSeconds = 60)]
        public partial Task<string> GetStockAsync(string sku, CancellationToken cancellationToken = default);

        [InvalidatesCache(nameof(GetStockAsync))]
        public partial Task SetStockAsync(string sku, CancellationToken cancellationToken = default);

        private Task<string> GetStockCoreAsync(string sku, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _loads);
            return Task.FromResult($"{sku} v1");
        }

        private Task SetStockCoreAsync(string sku, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary><see cref="RedisTopologyTests"/> on one Redis server.</summary>
[Collection(RedisCollection.Name)]
public sealed class SingleRedisTopologyTests(RedisFixture redis) : RedisTopologyTests
{
    /// <inheritdoc />
    protected override string ConnectionString => redis.ConnectionString;
}

/// <summary><see cref="RedisTopologyTests"/> on a three-master Redis Cluster.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterTopologyTests(RedisClusterFixture cluster) : RedisTopologyTests
{
    /// <inheritdoc />
    protected override string ConnectionString => cluster.ConnectionString;
}

using Aspects.Hosting;
using Aspects.IntegrationTests.Rig;
using Aspects.RateLimiting;
using Aspects.Redis.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
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

    [Fact]
    public async Task A_waiting_caller_whose_turn_is_further_away_than_its_max_wait_is_rejected_not_admitted()
    {
        var name = "bucket-" + Guid.NewGuid().ToString("N");
        await using var container = Container();
        var limiter = container.GetRequiredService<AspectRuntime>().RateLimiters.GetOrCreate(name, 0.001, 1, RateLimitScope.Distributed);
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask().WaitAsync(BoundedWait);

        // The next permit is 1,000 s away: a caller willing to wait 1 s is turned away at once.
        await Assert.ThrowsAsync<RateLimitRejectedException>(
            () => limiter.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask().WaitAsync(BoundedWait));
    }

    /// <summary>A container like an application's: Aspects on Redis, this test's prefix, failing closed so a Redis error cannot pass as an admission.</summary>
    /// <param name="logs">Collects what the container logs; nothing by default.</param>
    protected ServiceProvider Container(FakeLogCollector? logs = null) =>
        new ServiceCollection()
            .AddSingleton<ILoggerFactory>(new LoggerFactory(logs is null ? [] : [new FakeLoggerProvider(logs)]))
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

/// <summary><see cref="RedisTopologyTests"/> on a three-master Redis Cluster, and what only a cluster can do: move a slot.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterTopologyTests(RedisClusterFixture cluster) : RedisTopologyTests
{
    /// <inheritdoc />
    protected override string ConnectionString => cluster.ConnectionString;

    [Fact]
    public async Task Moving_the_slot_of_a_cached_key_under_traffic_fails_no_call_and_logs_no_Redis_error()
    {
        var sku = "sku-" + Guid.NewGuid().ToString("N");
        var logs = new FakeLogCollector();
        await using var first = Container(logs);
        await using var second = Container(logs);
        var services = new[] { first.GetRequiredService<StockService>(), second.GetRequiredService<StockService>() };
        Assert.Equal($"{sku} v1", await services[0].GetStockAsync(sku).WaitAsync(BoundedWait));
        await WaitForL2KeyAsync(first, sku);

        var configuration = ConfigurationOptions.Parse(ConnectionString);
        configuration.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
        var cacheKey = Masters(admin).SelectMany(server => server.Keys(pattern: Prefix + "*GetStockAsync*" + sku + "*")).Single();

        // Traffic on both containers, reads and invalidations (L2 removal + pub/sub), until the move is done.
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var traffic = Enumerable.Range(0, 2).Select(node => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    if (i % 10 == 9)
                    {
                        await services[node].SetStockAsync(sku);
                    }
                    else
                    {
                        var value = await services[node].GetStockAsync(sku);
                        Assert.Equal($"{sku} v1", value);
                    }

                    Interlocked.Increment(ref calls);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"node {node}, call {i}: {e.GetType().Name}: {e.Message}");
                }

                await Task.Delay(1);
            }
        })).ToArray();

        // Each stage of the move sees at least this many calls (bounded wait).
        async Task TrafficAsync()
        {
            var target = Volatile.Read(ref calls) + 20;
            var deadline = DateTime.UtcNow + BoundedWait;
            while (Volatile.Read(ref calls) < target && failures.IsEmpty)
            {
                Assert.True(DateTime.UtcNow < deadline, $"The traffic made no progress for {BoundedWait.TotalSeconds} s ({calls} calls so far).");
                await Task.Delay(5);
            }
        }

        try
        {
            await TrafficAsync();
            await MoveSlotAsync(admin, admin.HashSlot(cacheKey), TrafficAsync);
            await TrafficAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(traffic).WaitAsync(BoundedWait);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {calls + failures.Count} calls failed during the slot move; the first: {failures.FirstOrDefault()}");
        var problems = logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.True(problems.Count == 0, $"Redis errors were logged during the slot move: {string.Join(" | ", problems.Take(3).Select(r => $"{r.Id.Name}: {r.Message} {r.Exception?.Message}"))}");
        Assert.Equal($"{sku} v1", await services[1].GetStockAsync(sku).WaitAsync(BoundedWait));
    }

    [Fact]
    public async Task Resharding_the_slot_of_a_distributed_bucket_under_traffic_fails_no_acquisition()
    {
        // While the slot migrates, the node holding the bucket's state key but not its (absent) freed-slots key answers
        // the two-key script with TRYAGAIN; the bucket runs it again instead of failing (closed, here) the call.
        var name = "bucket-" + Guid.NewGuid().ToString("N");
        await using var first = Container();
        await using var second = Container();
        var limiters = new[] { first, second }
            .Select(c => c.GetRequiredService<AspectRuntime>().RateLimiters.GetOrCreate(name, 1_000_000, 1_000, RateLimitScope.Distributed))
            .ToArray();
        await limiters[0].AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask().WaitAsync(BoundedWait);

        var configuration = ConfigurationOptions.Parse(ConnectionString);
        configuration.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
        var bucketKey = (RedisKey)((RedisTokenBucket)limiters[0]).Key;

        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var acquired = 0;
        using var stop = new CancellationTokenSource();
        var traffic = Enumerable.Range(0, 2).Select(node => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await limiters[node].AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
                    Interlocked.Increment(ref acquired);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"node {node}, call {i}: {e.GetType().Name}: {e.Message}");
                }

                await Task.Delay(1);
            }
        })).ToArray();

        async Task TrafficAsync()
        {
            var target = Volatile.Read(ref acquired) + 20;
            var deadline = DateTime.UtcNow + BoundedWait;
            while (Volatile.Read(ref acquired) < target && failures.IsEmpty)
            {
                Assert.True(DateTime.UtcNow < deadline, $"The traffic made no progress for {BoundedWait.TotalSeconds} s ({acquired} acquisitions so far).");
                await Task.Delay(5);
            }
        }

        try
        {
            await TrafficAsync();
            // Back to back, as redis-cli --cluster reshard moves a slot: the traffic meets each state the move passes.
            await MoveSlotAsync(admin, admin.HashSlot(bucketKey), () => Task.CompletedTask);
            await TrafficAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(traffic).WaitAsync(BoundedWait);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {acquired + failures.Count} acquisitions failed during the reshard; the first: {failures.FirstOrDefault()}");
    }

    /// <summary>
    /// Moves <paramref name="slot"/> to another master the way <c>redis-cli --cluster reshard</c> does: IMPORTING on
    /// the target, MIGRATING on the source (clients get ASK redirections from now on), MIGRATE of its keys in batches,
    /// then SETSLOT NODE on the target, the source and the other masters (clients get MOVED).
    /// </summary>
    private static bool Covers(string range, int slot)
    {
        var bounds = range.Split('-');
        return bounds.Length == 2 && int.TryParse(bounds[0], out var from) && int.TryParse(bounds[1], out var to) && from <= slot && slot <= to;
    }

    /// <param name="admin">A connection with admin commands allowed.</param>
    /// <param name="slot">The slot to move.</param>
    /// <param name="traffic">Lets the traffic run for a while; awaited at each stage.</param>
    private static async Task MoveSlotAsync(ConnectionMultiplexer admin, int slot, Func<Task> traffic)
    {
        var nodes = admin.GetServer(admin.GetEndPoints()[0]).ClusterConfiguration!.Nodes.Where(n => !n.IsReplica).ToList();
        var source = nodes.Single(n => n.Slots.Any(range => range.From <= slot && slot <= range.To));
        var target = nodes.First(n => n.NodeId != source.NodeId);
        var sourceServer = admin.GetServer(source.EndPoint!);
        var targetServer = admin.GetServer(target.EndPoint!);
        var targetAddress = (System.Net.IPEndPoint)target.EndPoint!;

        await targetServer.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", source.NodeId);
        await sourceServer.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", target.NodeId);

        // Traffic meets the slot migrating (its key still on the source), then with its key moved (ASK), then moved (MOVED).
        await traffic();
        while (true)
        {
            var keys = (RedisResult[])(await sourceServer.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 100))!;
            if (keys.Length == 0)
            {
                break;
            }

            await sourceServer.ExecuteAsync("MIGRATE", [targetAddress.Address.ToString(), targetAddress.Port, "", 0, 5000, "KEYS", .. keys.Select(k => (object)(RedisKey)k)]);
        }

        await traffic();

        foreach (var node in nodes.OrderBy(n => n.NodeId == target.NodeId ? 0 : n.NodeId == source.NodeId ? 1 : 2))
        {
            await admin.GetServer(node.EndPoint!).ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", target.NodeId);
        }

        // One line per node: "<id> <address> <flags> … <slot or from-to>…" (a verbatim-string reply may start with "txt:").
        var nodesReply = ((string?)await sourceServer.ExecuteAsync("CLUSTER", "NODES"))!;
        Assert.Contains(
            nodesReply.Replace("txt:", string.Empty, StringComparison.Ordinal).Split('\n'),
            line => line.StartsWith(target.NodeId, StringComparison.Ordinal) && line.Split(' ').Skip(8).Any(range => range == slot.ToString(System.Globalization.CultureInfo.InvariantCulture) || Covers(range, slot)));
    }
}

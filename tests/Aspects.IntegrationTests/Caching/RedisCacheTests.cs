using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aspects.Caching;
using Aspects.IntegrationTests.Rig;
using Aspects.Redis.Caching;
using Aspects.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.Caching;

[Collection(RedisCollection.Name)]
public sealed class RedisCacheTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan BoundedWait = TimeSpan.FromSeconds(15);

    // A prefix per test keeps keys and the backplane channel apart from other tests on the same server.
    private readonly string _prefix = "it" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IDisposable> _disposables = [];
    private readonly List<ConnectionMultiplexer> _connections = [];
    private readonly FakeLogCollector _logs = new();
    private int _runs;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        // Runtimes before the connections they use.
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_second_node_sharing_Redis_gets_the_value_from_the_L2_without_running_the_body()
    {
        var definition = Definition();
        var (first, _) = await NodeAsync();
        var (second, _) = await NodeAsync();

        var written = await L2WriteAsync(definition, 1);
        Assert.Equal("run 1", await CallAsync(first, definition, 1));
        await written.WaitAsync(BoundedWait);
        Assert.Equal("run 1", await CallAsync(second, definition, 1));

        written = await L2WriteAsync(definition, 2);
        Assert.Null(await CallNullAsync(first, definition, 2));
        await written.WaitAsync(BoundedWait);
        Assert.Null(await CallNullAsync(second, definition, 2));

        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task Through_Redis_every_tier_reports_its_hits_and_misses_and_the_miss_spans_name_the_tier_that_answered()
    {
        var definition = Definition();
        var (first, _) = await NodeAsync();
        var (second, _) = await NodeAsync();
        using var requests = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.requests");
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AspectsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var written = await L2WriteAsync(definition, 1);
        Assert.Equal("run 1", await CallAsync(first, definition, 1)); // L1 miss, L2 miss, source
        await written.WaitAsync(BoundedWait);
        Assert.Equal("run 1", await CallAsync(second, definition, 1)); // L1 miss, L2 hit

        // The attempt hands callers its value first, then stores it in L1, then retires: until the store, a caller
        // joins the finished attempt (an L1 miss that reads nothing). Counting an L1 hit needs the store done; the
        // probe that finds it counts as an L1 hit itself.
        var region = second.Cache.Region<int, string?>(definition);
        Assert.True(SpinWait.SpinUntil(() => region.TryGetLocal(1, out _), BoundedWait), "The L2 hit was never stored in the second node's L1.");
        Assert.Equal("run 1", await CallAsync(second, definition, 1)); // L1 hit

        long Count(string tier, string result) => requests.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["aspects.method"], definition.MethodName) && Equals(m.Tags["aspects.cache.tier"], tier) && Equals(m.Tags["aspects.cache.result"], result))
            .Sum(m => m.Value);
        Assert.Equal(2, Count("l1", "hit"));
        Assert.Equal(2, Count("l1", "miss"));
        Assert.Equal(1, Count("l2", "hit"));
        Assert.Equal(1, Count("l2", "miss"));
        Assert.Equal(1, Count("source", "miss"));
        var mine = spans.Where(a => a.DisplayName == "aspects.cache " + definition.MethodName).ToList();
        Assert.Equal(["l2", "source"], mine.Select(a => (string)a.GetTagItem("aspects.cache.tier")!).Order());
    }

    [Fact]
    public async Task An_invalidation_on_one_node_reaches_the_other_nodes_L1_through_pub_sub()
    {
        var definition = Definition();
        var (first, _) = await NodeAsync();
        var (second, secondBackplane) = await NodeAsync();
        await secondBackplane.Subscribed.WaitAsync(BoundedWait);
        var written = await L2WriteAsync(definition, 1);
        Assert.Equal("run 1", await CallAsync(first, definition, 1));
        await written.WaitAsync(BoundedWait);
        Assert.Equal("run 1", await CallAsync(second, definition, 1));
        Assert.True(second.Cache.Region<int, string?>(definition).TryGetLocal(1, out _), "The second node holds a local copy.");
        using var remote = new InvalidationListener(definition.MethodName);

        await first.Cache.Region<int, string?>(definition).InvalidateAsync(1, KeyOf(definition));

        await remote.Received.WaitAsync(BoundedWait);
        Assert.False(second.Cache.Region<int, string?>(definition).TryGetLocal(1, out _), "The message evicted the second node's copy.");
        Assert.Equal("run 2", await CallAsync(second, definition, 1));
    }

    [Fact]
    public async Task Only_a_restored_subscription_connection_drops_the_nodes_L1_copies()
    {
        var definition = Definition();
        var name = _prefix + "-node";
        var (node, backplane) = await NodeAsync(name);
        await backplane.Subscribed.WaitAsync(BoundedWait);
        var connection = _connections[^1];
        Assert.Equal("run 1", await CallAsync(node, definition, 1));
        var region = node.Cache.Region<int, string?>(definition);
        Assert.True(region.TryGetLocal(1, out _), "The node holds a local copy.");

        // No message travels on the interactive connection, so losing it cannot have hidden an eviction.
        var interactive = RestoredAsync(connection, ConnectionType.Interactive);
        await KillClientAsync(name, ClientType.Normal);
        await interactive.WaitAsync(BoundedWait);
        Assert.True(region.TryGetLocal(1, out _), "A restored interactive connection dropped the node's L1 copies.");

        // The subscription connection may have missed evictions while it was down: every copy goes.
        var subscription = RestoredAsync(connection, ConnectionType.Subscription);
        await KillClientAsync(name, ClientType.PubSub);
        await subscription.WaitAsync(BoundedWait);
        Assert.False(region.TryGetLocal(1, out _), "A restored subscription connection kept the node's L1 copies.");
        Assert.Equal("run 1", await CallAsync(node, definition, 1));
    }

    [Fact]
    public async Task When_RESP3_pub_sub_shares_the_interactive_connection_its_restoring_drops_the_nodes_L1_copies()
    {
        var definition = Definition();
        var name = _prefix + "-shared";
        var (node, backplane) = await NodeAsync(name, sharedSubscriptionConnection: true);
        await backplane.Subscribed.WaitAsync(BoundedWait);
        var connection = _connections[^1];
        Assert.Equal("run 1", await CallAsync(node, definition, 1));
        var region = node.Cache.Region<int, string?>(definition);
        Assert.True(region.TryGetLocal(1, out _), "The node holds a local copy.");

        var interactive = RestoredAsync(connection, ConnectionType.Interactive);
        await KillClientAsync(name, type: null);
        await interactive.WaitAsync(BoundedWait);
        Assert.False(region.TryGetLocal(1, out _), "The restored connection carries the subscription, yet the node kept its L1 copies.");
    }

    [Fact]
    public async Task While_Redis_is_down_cached_calls_succeed_and_the_failures_are_logged_and_counted_and_the_L2_returns_with_it()
    {
        Assert.True(redis.CanRestart, $"This test stops the server, so it needs a rig-owned one; unset {RedisFixture.EnvironmentVariable}.");
        var definition = Definition();
        var (node, _) = await NodeAsync();
        var connection = _connections[^1];
        Assert.Equal("run 1", await CallAsync(node, definition, 1));
        using var errors = new MeasurementCounter("aspects.cache.l2_errors");

        await redis.StopServerAsync();
        try
        {
            Assert.Equal("run 1", await CallAsync(node, definition, 1));
            Assert.Equal("run 2", await CallAsync(node, definition, 2));
            Assert.Equal("run 2", await CallAsync(node, definition, 2));
            for (var key = 10; key < 20; key++)
            {
                Assert.Equal($"run {key - 7}", await CallAsync(node, definition, key));
            }

            Assert.True(errors.Total >= 10, $"Every failed L2 operation is counted ({errors.Total}).");
            var warnings = _logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Id.Name == "CacheDistributedStoreFailed");
            Assert.InRange(warnings, 1, (int)errors.Total / 2);
            Assert.All(_logs.GetSnapshot().Where(r => r.Id.Name == "CacheDistributedStoreFailed"), r => Assert.Equal(1004, r.Id.Id));
        }
        finally
        {
            var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.ConnectionRestored += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Interactive)
                {
                    restored.TrySetResult();
                }
            };
            await redis.StartServerAsync();

            // The multiplexer reconnects in the background; until it has, writes still fail fast.
            await restored.Task.WaitAsync(BoundedWait);
        }

        var (fresh, _) = await NodeAsync();
        var written = await L2WriteAsync(definition, 3);
        Assert.Equal("run 13", await CallAsync(node, definition, 3));
        await written.WaitAsync(BoundedWait);
        Assert.Equal("run 13", await CallAsync(fresh, definition, 3));
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Name == "CacheDistributedStoreRecovered" && r.Id.Id == 1008);
    }

    [Fact]
    public async Task After_Redis_restarts_the_backplane_is_subscribed_again_and_invalidations_reach_the_other_nodes()
    {
        Assert.True(redis.CanRestart, $"This test restarts the server, so it needs a rig-owned one; unset {RedisFixture.EnvironmentVariable}.");
        var definition = Definition();
        var (first, firstBackplane) = await NodeAsync();
        var (second, secondBackplane) = await NodeAsync();
        await firstBackplane.Subscribed.WaitAsync(BoundedWait);
        await secondBackplane.Subscribed.WaitAsync(BoundedWait);

        await redis.StopServerAsync();
        await redis.StartServerAsync();

        // Nobody calls Subscribe again: the multiplexers restore the subscriptions when they reconnect.
        await WaitForSubscribersAsync(2);
        Assert.Equal("run 1", await CallAsync(second, definition, 1));
        using var remote = new InvalidationListener(definition.MethodName);
        await first.Cache.Region<int, string?>(definition).InvalidateAsync(1, KeyOf(definition));

        await remote.Received.WaitAsync(BoundedWait);
        Assert.False(second.Cache.Region<int, string?>(definition).TryGetLocal(1, out _), "The message evicted the second node's copy.");
    }

    /// <summary>Asks the server until <paramref name="expected"/> connections subscribe to this test's backplane channel.</summary>
    private async Task WaitForSubscribersAsync(int expected)
    {
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
        configuration.AbortOnConnectFail = false;
        var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
        _disposables.Add(admin);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var channel = RedisChannel.Literal(_prefix + ":cache-invalidations");
        var deadline = DateTime.UtcNow + BoundedWait;
        long subscribers = 0;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                subscribers = await server.SubscriptionSubscriberCountAsync(channel);
                if (subscribers >= expected)
                {
                    return;
                }
            }
            catch (RedisConnectionException)
            {
                // Still reconnecting; ask again.
            }

            await Task.Yield();
        }

        Assert.Fail($"Only {subscribers} of {expected} nodes subscribed to {channel} again within {BoundedWait.TotalSeconds} s of the restart.");
    }

    /// <summary>
    /// Completes when Redis reports a write of the L2 key of (<paramref name="definition"/>, <paramref name="key"/>):
    /// HybridCache hands the value to its callers before its L2 write has finished, so another node can only
    /// be expected to see it after this. Uses keyspace notifications, switched on here.
    /// </summary>
    private async Task<Task> L2WriteAsync(CacheDefinition definition, int key)
    {
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
        configuration.AllowAdmin = true;
        var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
        _disposables.Add(admin);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        await server.ConfigSetAsync("notify-keyspace-events", "KA");
        var fullKey = _prefix + ":" + KeyOf(definition)(key);
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await admin.GetSubscriber().SubscribeAsync(
            RedisChannel.Literal("__keyspace@0__:" + fullKey),
            (_, operation) =>
            {
                if (operation == "hset" || operation == "expire")
                {
                    written.TrySetResult();
                }
            });
        return written.Task;
    }

    private static CacheDefinition Definition() =>
        new("Aspects.IntegrationTests.Caching.Catalog.Get" + Guid.NewGuid().ToString("N")[..6], new Aspects.Policies.CacheSettings(durationSeconds: 300), ["catalog"]);

    private static Func<int, string> KeyOf(CacheDefinition definition) => key =>
    {
        var builder = new CacheKeyBuilder(definition.MethodName);
        builder.Append(key);
        return builder.ToString();
    };

    private Task<string?> CallAsync(AspectRuntime runtime, CacheDefinition definition, int key) =>
        runtime.Cache.Region<int, string?>(definition).GetOrCreateAsync(
            key, this, KeyOf(definition), static (self, _, _) => Task.FromResult<string?>($"run {Interlocked.Increment(ref self._runs)}"), CancellationToken.None)
            .WaitAsync(BoundedWait);

    private Task<string?> CallNullAsync(AspectRuntime runtime, CacheDefinition definition, int key) =>
        runtime.Cache.Region<int, string?>(definition).GetOrCreateAsync(
            key, this, KeyOf(definition), static (self, _, _) =>
            {
                Interlocked.Increment(ref self._runs);
                return Task.FromResult<string?>(null);
            }, CancellationToken.None).WaitAsync(BoundedWait);

    /// <summary>
    /// Completes when <paramref name="connection"/> has restored a connection of <paramref name="type"/>. Handlers run in the
    /// order they were added, so the backplane's (added when its node was built) has run by then.
    /// </summary>
    private static Task RestoredAsync(IConnectionMultiplexer connection, ConnectionType type)
    {
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == type)
            {
                restored.TrySetResult();
            }
        };
        return restored.Task;
    }

    /// <summary>Closes, on the server side, the one connection (of <paramref name="type"/>, when given) whose client name is <paramref name="name"/>.</summary>
    private async Task KillClientAsync(string name, ClientType? type)
    {
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
        configuration.AllowAdmin = true;
        var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
        _disposables.Add(admin);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var client = Assert.Single(await server.ClientListAsync(), c => c.Name == name && (type is null || c.ClientType == type));
        Assert.Equal(1, await server.ClientKillAsync(id: client.Id));
    }

    /// <summary>One application node: its own multiplexer and runtime, Redis as L2 and backplane.</summary>
    private async Task<(AspectRuntime Runtime, RedisCacheBackplane Backplane)> NodeAsync(string? clientName = null, bool sharedSubscriptionConnection = false)
    {
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.ClientName = clientName;
        if (sharedSubscriptionConnection)
        {
            configuration.Protocol = RedisProtocol.Resp3;
            configuration.SharedSubscriptionConnection = true;
        }

        // Fail at once while Redis is down, so calls fall back to the body without waiting for a timeout.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _disposables.Add(connection);
        _connections.Add(connection);
        var loggerFactory = new LoggerFactory([new FakeLoggerProvider(_logs)]);
        var options = new AspectRuntimeOptions { LoggerFactory = loggerFactory };
        options.Cache.KeyPrefix = _prefix;
        options.Cache.UseRedis(connection, loggerFactory);
        var runtime = new AspectRuntime(options);
        _disposables.Add(runtime.Cache);
        return (runtime, (RedisCacheBackplane)options.Cache.Backplane!);
    }

    /// <summary>Completes when a node applies a backplane invalidation of <c>method</c> that came from another node.</summary>
    private sealed class InvalidationListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public InvalidationListener(string method)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AspectsTelemetry.Name && instrument.Name == "aspects.cache.invalidations")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                var fromRemote = false;
                var forMethod = false;
                foreach (var tag in tags)
                {
                    fromRemote |= tag.Key == "aspects.cache.invalidation.origin" && Equals(tag.Value, "remote");
                    forMethod |= tag.Key == "aspects.method" && Equals(tag.Value, method);
                }

                if (fromRemote && forMethod)
                {
                    _received.TrySetResult();
                }
            });
            _listener.Start();
        }

        public Task Received => _received.Task;

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Adds up the measurements of one Aspects counter.</summary>
    private sealed class MeasurementCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public MeasurementCounter(string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AspectsTelemetry.Name && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}

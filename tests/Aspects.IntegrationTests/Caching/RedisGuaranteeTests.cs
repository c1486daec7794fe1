using System.Net;
using Aspects.Caching;
using Aspects.IntegrationTests.Rig;
using Aspects.Redis.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.Caching;

/// <summary>
/// docs/caching.md#guarantees against a real redis-server, with runtimes on their own multiplexers as nodes: evictions that
/// race a load, entries that cannot be read, and a node that was disconnected while an eviction was published.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisGuaranteeTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan BoundedWait = TimeSpan.FromSeconds(20);
    private readonly string _prefix = "g" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly FakeLogCollector _logs = new();
    private readonly CacheDefinition _definition =
        new("Aspects.IntegrationTests.Caching.Prices.Get" + Guid.NewGuid().ToString("N")[..6], new Aspects.Policies.CacheSettings(durationSeconds: 300), ["prices"]);

    private int _runs;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }
    }

    // Issue 12 item 4 on Redis: GetPriceAsync("sku-1") reads 10 and is still running when SetPriceAsync("sku-1", 12) evicts it.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_price_evicted_while_its_load_runs_is_the_new_price_on_both_nodes(bool byTag)
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var price = 10m;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var waiting = GetPriceAsync(a, async () =>
        {
            var read = price;
            started.SetResult();
            await gate.Task;
            return read;
        });
        await started.Task.WaitAsync(BoundedWait);
        price = 12m;
        await EvictAsync(a, byTag);
        gate.SetResult();

        Assert.Equal(10m, await waiting.WaitAsync(BoundedWait));
        Assert.Equal(12m, await GetPriceAsync(a, () => Task.FromResult(price)).WaitAsync(BoundedWait));
        Assert.Equal(12m, await GetPriceAsync(b, () => Task.FromResult(price)).WaitAsync(BoundedWait));
    }

    // The loading node hears of nothing (no backplane): the eviction records in Redis alone keep its late write from being served.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_load_that_overlapped_an_eviction_on_another_node_writes_a_value_that_no_node_serves(bool byTag)
    {
        var loader = await NodeAsync(backplane: false);
        var evicter = await NodeAsync();
        var reader = await NodeAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var admin = await AdminAsync();
        var fullKey = FullKey();

        var waiting = GetPriceAsync(loader, async () =>
        {
            started.SetResult();
            await gate.Task;
            return 10m;
        });
        await started.Task.WaitAsync(BoundedWait);
        await EvictAsync(evicter, byTag);
        gate.SetResult();
        Assert.Equal(10m, await waiting.WaitAsync(BoundedWait));
        await Until(() => admin.GetDatabase().KeyExistsAsync(fullKey), "the loader's late write of the old price to Redis");

        Assert.Equal(12m, await GetPriceAsync(reader, () => Task.FromResult(12m)).WaitAsync(BoundedWait));
        Assert.NotEqual(10m, await GetPriceAsync(evicter, () => Task.FromResult(13m)).WaitAsync(BoundedWait));
    }

    public static TheoryData<string> UnreadableEntries => ["bytes that are no HybridCache entry", "an entry of another format", "a Redis list"];

    // Issue 12 item 3 (what cannot be read): the body runs once, the entry is healed, and one line is logged.
    [Theory]
    [MemberData(nameof(UnreadableEntries))]
    public async Task An_unreadable_entry_runs_the_body_once_is_healed_for_every_node_and_is_logged_once(string entry)
    {
        var first = await NodeAsync();
        var second = await NodeAsync();
        var admin = await AdminAsync();
        var fullKey = FullKey();
        if (entry == "a Redis list")
        {
            await admin.GetDatabase().ListRightPushAsync(fullKey, ["not", "a", "hash"]);
        }
        else if (entry == "an entry of another format")
        {
            // What a version without the entry header wrote: HybridCache's framing around the bare JSON of the value.
            var older = RedisCacheSetup.CreateHybridCache(admin);
            await older.SetAsync(fullKey, new[] { 1, 2, 3 }, new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCache });
        }
        else
        {
            // Written by the Redis store HybridCache reads (which closes its connection when disposed), so only the bytes are wrong.
            var storeConnection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            using var store = new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(storeConnection) }));
            await store.SetAsync(fullKey, [0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13, 0x37], new DistributedCacheEntryOptions());
        }

        Assert.Equal(1m, await GetPriceAsync(first, () => Task.FromResult(1m)).WaitAsync(BoundedWait));
        await Until(() => HoldsCurrentEntryAsync(admin, fullKey), "the healed entry in Redis");
        Assert.Equal(1m, await GetPriceAsync(second, () => Task.FromResult(2m)).WaitAsync(BoundedWait));
        Assert.Equal(1m, await GetPriceAsync(first, () => Task.FromResult(3m)).WaitAsync(BoundedWait));

        Assert.Equal(1, _runs);
        var lines = _logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.True(lines.Count == 1, "One line per unreadable entry, got: " + string.Join(" | ", lines.Select(r => $"{r.Category} {r.Id.Name}: {r.Message}")));
        Assert.DoesNotContain(_logs.GetSnapshot(), r => r.Id.Name is "CacheL2Failed" or "CacheL2Recovered" or "CacheDistributedStoreFailed" or "CacheDistributedStoreRecovered");
    }

    // Issue 12 item 7: node B is cut off from Redis while node A evicts; after B reconnects it reads fresh within 1 s.
    [Fact]
    public async Task A_node_that_was_disconnected_during_an_eviction_serves_fresh_values_within_a_second_of_reconnecting()
    {
        var endpoint = ConfigurationOptions.Parse(redis.ConnectionString).EndPoints[0] as IPEndPoint;
        Assert.True(endpoint is not null && IPAddress.IsLoopback(endpoint.Address), $"The proxy forwards to a loopback server; {redis.ConnectionString} is not one.");
        var proxy = new TcpProxy(endpoint.Port);
        _disposables.Add(proxy);
        var a = await NodeAsync();
        var b = await NodeAsync(throughPort: proxy.Port);
        await ((RedisCacheBackplane)b.Options.Backplane!).Subscribed.WaitAsync(BoundedWait);
        var version = 1m;
        Assert.Equal(1m, await GetPriceAsync(b.Runtime, () => Task.FromResult(version)).WaitAsync(BoundedWait));
        var failed = ConnectionEvent(b.Connection, restored: false);
        var restored = ConnectionEvent(b.Connection, restored: true);

        proxy.Cut();
        await failed.WaitAsync(BoundedWait);
        version = 2m;
        await a.Cache.Region<string, decimal>(_definition).InvalidateAsync("sku-1", KeyOf);
        Assert.Equal(1m, await GetPriceAsync(b.Runtime, () => Task.FromResult(version)).WaitAsync(BoundedWait));
        proxy.Restore();
        await restored.WaitAsync(BoundedWait);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        var seen = 0m;
        while (DateTime.UtcNow < deadline && (seen = await GetPriceAsync(b.Runtime, () => Task.FromResult(version)).WaitAsync(BoundedWait)) != 2m)
        {
            await Task.Delay(10);
        }

        Assert.True(seen == 2m, $"B still served {seen} one second after its subscription connection came back; the eviction was missed.");
    }

    private static Task ConnectionEvent(IConnectionMultiplexer connection, bool restored)
    {
        var happened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<ConnectionFailedEventArgs> handler = (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                happened.TrySetResult();
            }
        };
        if (restored)
        {
            connection.ConnectionRestored += handler;
        }
        else
        {
            connection.ConnectionFailed += handler;
        }

        return happened.Task;
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + BoundedWait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {BoundedWait.TotalSeconds} s waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }

    private static string KeyOf(string sku)
    {
        var builder = new CacheKeyBuilder(nameof(KeyOf));
        builder.Append(sku);
        return builder.ToString();
    }

    private string FullKey() => _prefix + ":" + KeyOf("sku-1");

    // Microsoft.Extensions.Caching.StackExchangeRedis keeps the value in the hash field "data"; HybridCache's framing holds ours.
    private static async Task<bool> HoldsCurrentEntryAsync(ConnectionMultiplexer admin, string fullKey)
    {
        var database = admin.GetDatabase();
        if (await database.KeyTypeAsync(fullKey) != RedisType.Hash)
        {
            return false;
        }

        var data = await database.HashGetAsync(fullKey, "data");
        return data.HasValue && ((byte[])data!).AsSpan().IndexOf("\0ASP\u0001"u8) >= 0;
    }

    private Task EvictAsync(AspectRuntime node, bool byTag) =>
        byTag ? node.Cache.InvalidateTagAsync("prices").AsTask() : node.Cache.Region<string, decimal>(_definition).InvalidateAsync("sku-1", KeyOf).AsTask();

    private Task<decimal> GetPriceAsync(AspectRuntime node, Func<Task<decimal>> body) =>
        node.Cache.Region<string, decimal>(_definition).GetOrCreateAsync(
            "sku-1", (Self: this, Body: body), static sku => KeyOf(sku), static (state, _, _) =>
            {
                Interlocked.Increment(ref state.Self._runs);
                return state.Body();
            }, CancellationToken.None);

    private async Task<ConnectionMultiplexer> AdminAsync()
    {
        var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        _disposables.Add(admin);
        return admin;
    }

    private async Task<AspectRuntime> NodeAsync(bool backplane = true) => (await NodeAsync(throughPort: null, backplane)).Runtime;

    private async Task<(AspectRuntime Runtime, CacheOptions Options, ConnectionMultiplexer Connection)> NodeAsync(int? throughPort, bool backplane = true)
    {
        var configuration = ConfigurationOptions.Parse(throughPort is { } port ? $"127.0.0.1:{port}" : redis.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _disposables.Add(connection);
        var loggerFactory = new LoggerFactory([new FakeLoggerProvider(_logs)]);
        var options = new AspectRuntimeOptions { LoggerFactory = loggerFactory };
        options.Cache.KeyPrefix = _prefix;
        options.Cache.UseRedis(connection, loggerFactory);
        if (!backplane)
        {
            options.Cache.Backplane = null;
        }

        var runtime = new AspectRuntime(options);
        _disposables.Add(new DisposeOnce(runtime.Cache));
        return (runtime, options.Cache, connection);
    }

    private sealed class DisposeOnce(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

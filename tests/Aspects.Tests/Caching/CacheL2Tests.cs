using Aspects.Caching;
using Aspects.Telemetry;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Aspects.Tests.Caching;

public class CacheL2Tests
{
    private static long Sum(MetricCollector<long> collector, string method, params (string Key, string Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["aspects.method"], method) && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Sum(m => m.Value);

    [Fact]
    public async Task A_second_runtime_sharing_the_L2_gets_an_L2_hit_without_running_the_body()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var l2 = new FakeHybridCache(time);
        var a = new CacheFixture(o => o.Cache.DistributedCache = l2);
        var b = new CacheFixture(o => o.Cache.DistributedCache = l2);
        var definition = CacheFixture.Definition();
        using var requests = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.requests");
        var runs = 0;
        Task<string?> Call(AspectRuntime runtime) => runtime.Cache.Region<int, string?>(definition).GetOrCreateAsync(
            3, 0, CacheFixture.KeyOf(definition), (_, _, _) => Task.FromResult<string?>($"run {Interlocked.Increment(ref runs)}"), CancellationToken.None);

        Assert.Equal("run 1", await Call(a.Runtime));
        Assert.Equal("run 1", await Call(b.Runtime));

        Assert.Equal(1, runs);
        Assert.Equal(1, Sum(requests, definition.MethodName, ("aspects.cache.tier", "l2"), ("aspects.cache.result", "hit")));
        Assert.Equal(1, Sum(requests, definition.MethodName, ("aspects.cache.tier", "l2"), ("aspects.cache.result", "miss")));
        Assert.Equal(1, Sum(requests, definition.MethodName, ("aspects.cache.tier", "source"), ("aspects.cache.result", "miss")));
        Assert.Equal(2, Sum(requests, definition.MethodName, ("aspects.cache.tier", "l1"), ("aspects.cache.result", "miss")));
    }

    [Fact]
    public async Task The_L2_write_lasts_the_duration_and_no_L2_operation_uses_HybridCaches_own_local_cache_or_factory()
    {
        FakeHybridCache l2 = null!;
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = l2 = new FakeHybridCache(o.TimeProvider));
        var definition = CacheFixture.Definition(durationSeconds: 120, localDurationSeconds: 10, tags: ["x"]);

        await fixture.Runtime.Cache.Region<int, string?>(definition)
            .GetOrCreateAsync(1, 0, CacheFixture.KeyOf(definition), (_, _, _) => Task.FromResult<string?>("v"), CancellationToken.None);

        // The entry, its key's eviction record and its tag's, read together; then the entry written.
        Assert.Equal(4, l2.OptionsSeen.Count);
        Assert.All(l2.OptionsSeen, o => Assert.True(o!.Flags!.Value.HasFlag(HybridCacheEntryFlags.DisableLocalCache)));
        Assert.All(l2.OptionsSeen.Take(3), o => Assert.True(o!.Flags!.Value.HasFlag(HybridCacheEntryFlags.DisableUnderlyingData)));
        Assert.Equal(TimeSpan.FromSeconds(120), l2.OptionsSeen[3]!.Expiration);
    }

    [Fact]
    public async Task An_L2_outage_never_fails_a_cached_call_and_is_logged_and_counted()
    {
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = new FakeHybridCache(o.TimeProvider) { Failing = true });
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        using var errors = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.l2_errors");
        var runs = 0;

        var value = await region.GetOrCreateAsync(
            1, 0, CacheFixture.KeyOf(definition), (_, _, _) => Task.FromResult<string?>($"run {Interlocked.Increment(ref runs)}"), CancellationToken.None);
        await region.InvalidateAsync(2, CacheFixture.KeyOf(definition));

        Assert.Equal("run 1", value);
        Assert.True(region.TryGetLocal(1, out _), "The body's result still goes to L1.");
        Assert.Equal(1, Sum(errors, definition.MethodName, ("aspects.cache.operation", "get")));
        Assert.Equal(1, Sum(errors, definition.MethodName, ("aspects.cache.operation", "remove")));
        Assert.Contains(fixture.Logs.GetSnapshot(), r => r.Id.Name == "CacheL2Failed" && r.Message.Contains(definition.MethodName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_L2_outage_is_logged_once_per_interval_not_once_per_call_and_its_end_once()
    {
        FakeHybridCache l2 = null!;
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = l2 = new FakeHybridCache(o.TimeProvider) { Failing = true });
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        using var errors = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.l2_errors");
        Task<string?> Call(int key) => region.GetOrCreateAsync(
            key, 0, CacheFixture.KeyOf(definition), (_, k, _) => Task.FromResult<string?>($"value {k}"), CancellationToken.None);
        int Logged(string eventName) => fixture.Logs.GetSnapshot().Count(r => r.Id.Name == eventName);

        for (var key = 0; key < 50; key++)
        {
            Assert.Equal($"value {key}", await Call(key));
        }

        Assert.Equal(50, Sum(errors, definition.MethodName, ("aspects.cache.operation", "get")));
        Assert.Equal(1, Logged("CacheL2Failed"));

        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await Call(50);
        Assert.Equal(2, Logged("CacheL2Failed"));
        Assert.Contains("49 failures since the previous warning were not logged", fixture.Logs.LatestRecord.Message, StringComparison.Ordinal);

        l2.Failing = false;
        await Call(51);
        await Call(52);
        var recovered = Assert.Single(fixture.Logs.GetSnapshot(), r => r.Id.Name == "CacheL2Recovered");
        Assert.Contains("51 failed operations", recovered.Message, StringComparison.Ordinal);

        l2.Failing = true;
        await Call(53);
        Assert.Equal(3, Logged("CacheL2Failed"));
    }

    [Fact]
    public async Task A_failing_body_behind_the_L2_fails_the_call_once_and_is_not_an_L2_error()
    {
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = new FakeHybridCache(o.TimeProvider));
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        using var errors = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.l2_errors");
        var runs = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => region.GetOrCreateAsync<int>(1, 0, CacheFixture.KeyOf(definition), (_, _, _) =>
        {
            Interlocked.Increment(ref runs);
            throw new TimeoutException("database");
        }, CancellationToken.None));

        Assert.Equal(1, runs);
        Assert.Equal(0, Sum(errors, definition.MethodName));
    }

    [Fact]
    public async Task Local_hits_are_counted_per_method()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        using var requests = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.requests");

        await region.GetOrCreateAsync(1, 0, CacheFixture.KeyOf(definition), (_, _, _) => Task.FromResult<string?>("v"), CancellationToken.None);
        region.TryGetLocal(1, out _);
        region.TryGetLocal(1, out _);

        Assert.Equal(2, Sum(requests, definition.MethodName, ("aspects.cache.tier", "l1"), ("aspects.cache.result", "hit")));
        Assert.Equal(1, Sum(requests, definition.MethodName, ("aspects.cache.tier", "l1"), ("aspects.cache.result", "miss")));
        Assert.Equal(1, Sum(requests, definition.MethodName, ("aspects.cache.tier", "source")));
    }

    [Theory]
    [InlineData(0, "aspects", 512)]
    [InlineData(10, "", 512)]
    [InlineData(10, "a:b", 512)]
    [InlineData(10, "aspects", 64)]
    public void Invalid_cache_options_are_rejected_when_the_runtime_is_built(int maxEntries, string prefix, int maxKeyLength)
    {
        var options = new AspectRuntimeOptions();
        options.Cache.MaxLocalEntriesPerMethod = maxEntries;
        options.Cache.KeyPrefix = prefix;
        options.Cache.MaxKeyLength = maxKeyLength;

        Assert.Throws<ArgumentException>(() => new AspectRuntime(options));
    }

    [Fact]
    public async Task Long_L2_keys_are_shortened_to_the_configured_maximum()
    {
        FakeHybridCache l2 = null!;
        var fixture = new CacheFixture(o =>
        {
            o.Cache.DistributedCache = l2 = new FakeHybridCache(o.TimeProvider);
            o.Cache.MaxKeyLength = 128;
        });
        var definition = CacheFixture.Definition();
        static string LongKey(string key)
        {
            var builder = new CacheKeyBuilder("Tests.Caching.Long");
            builder.Append(key);
            return builder.ToString();
        }

        await fixture.Runtime.Cache.Region<string, string?>(definition)
            .GetOrCreateAsync(new string('x', 200), 0, LongKey, (_, _, _) => Task.FromResult<string?>("v"), CancellationToken.None);

        Assert.Equal(1, l2.Count);
        Assert.False(l2.Contains("aspects:" + LongKey(new string('x', 200))), "The full key is too long for this L2.");
    }
}

using Aspects.Caching;

namespace Aspects.Tests.Caching;

public class CacheInvalidationTests
{
    private static readonly Func<ControlledBody<string?>, int, CancellationToken, Task<string?>> Controlled = ControlledBody<string?>.Run;

    private static Task<string?> Cached(CacheRegion<int, string?> region, CacheDefinition definition, int key, string value) =>
        region.GetOrCreateAsync(key, value, CacheFixture.KeyOf(definition), static (v, _, _) => Task.FromResult<string?>(v), CancellationToken.None);

    [Fact]
    public async Task Invalidating_a_key_evicts_that_entry_from_L1_and_L2_and_leaves_the_others()
    {
        FakeHybridCache l2 = null!;
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = l2 = new FakeHybridCache(o.TimeProvider));
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        await Cached(region, definition, 1, "one");
        await Cached(region, definition, 2, "two");
        Assert.True(l2.Contains("aspects:" + CacheFixture.KeyOf(definition)(1)), "L2 keys carry the configured prefix.");

        await region.InvalidateAsync(1, CacheFixture.KeyOf(definition));

        Assert.False(region.TryGetLocal(1, out _));
        Assert.False(l2.Contains("aspects:" + CacheFixture.KeyOf(definition)(1)));
        Assert.True(region.TryGetLocal(2, out _));
        Assert.Equal("new", await Cached(region, definition, 1, "new"));
    }

    [Fact]
    public async Task Invalidating_a_tag_evicts_every_method_with_that_tag_and_no_other()
    {
        FakeHybridCache l2 = null!;
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = l2 = new FakeHybridCache(o.TimeProvider));
        var products = CacheFixture.Definition(tags: ["products"], test: "Products");
        var prices = CacheFixture.Definition(tags: ["prices", "products"], test: "Prices");
        var users = CacheFixture.Definition(tags: ["users"], test: "Users");
        var productRegion = fixture.Runtime.Cache.Region<int, string?>(products);
        var priceRegion = fixture.Runtime.Cache.Region<int, string?>(prices);
        var userRegion = fixture.Runtime.Cache.Region<int, string?>(users);
        await Cached(productRegion, products, 1, "p");
        await Cached(priceRegion, prices, 1, "q");
        await Cached(userRegion, users, 1, "u");

        await fixture.Runtime.Cache.InvalidateTagAsync("products");

        Assert.False(productRegion.TryGetLocal(1, out _));
        Assert.False(priceRegion.TryGetLocal(1, out _));
        Assert.True(userRegion.TryGetLocal(1, out _));

        // Another node sharing the L2 runs the bodies of the tagged methods again and reads the other from the L2.
        var other = new CacheFixture(o => o.Cache.DistributedCache = l2);
        Assert.Equal("p2", await Cached(other.Runtime.Cache.Region<int, string?>(products), products, 1, "p2"));
        Assert.Equal("q2", await Cached(other.Runtime.Cache.Region<int, string?>(prices), prices, 1, "q2"));
        Assert.Equal("u", await Cached(other.Runtime.Cache.Region<int, string?>(users), users, 1, "u2"));
    }

    [Fact]
    public async Task A_result_produced_while_its_key_is_invalidated_is_returned_but_not_cached()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var body = new ControlledBody<string?>();

        var call = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, CancellationToken.None);
        await region.InvalidateAsync(1, CacheFixture.KeyOf(definition));
        body.Complete(0, "read before the write");

        Assert.Equal("read before the write", await call);
        Assert.False(region.TryGetLocal(1, out _), "The value may predate the change that invalidated it.");
    }

    [Fact]
    public async Task An_invalidation_on_one_node_evicts_the_other_nodes_local_copy_through_the_backplane()
    {
        var backplane = new InMemoryBackplane();
        var a = new CacheFixture(o => o.Cache.Backplane = backplane);
        var b = new CacheFixture(o => o.Cache.Backplane = backplane);
        var definition = CacheFixture.Definition(tags: ["t"]);
        var regionA = a.Runtime.Cache.Region<int, string?>(definition);
        var regionB = b.Runtime.Cache.Region<int, string?>(definition);
        await Cached(regionA, definition, 1, "a");
        await Cached(regionB, definition, 1, "b");
        await Cached(regionB, definition, 2, "b2");

        await regionA.InvalidateAsync(1, CacheFixture.KeyOf(definition));

        Assert.False(regionB.TryGetLocal(1, out _), "B dropped the key A invalidated.");
        Assert.True(regionB.TryGetLocal(2, out _), "B kept the other keys.");
        var message = Assert.Single(backplane.Published);
        Assert.Equal(CacheInvalidationKind.Key, message.Kind);
        Assert.Equal(definition.MethodName, message.MethodName);

        await b.Runtime.Cache.InvalidateTagAsync("t");
        Assert.False(regionA.TryGetLocal(2, out _));
        Assert.False(regionB.TryGetLocal(2, out _));
    }

    // What a backplane hands its own node when it may have missed messages (RedisCacheBackplane: its connection came back).
    [Fact]
    public async Task An_invalidation_of_everything_drops_every_local_copy_and_stops_running_attempts_from_being_kept()
    {
        var backplane = new InMemoryBackplane();
        var node = new CacheFixture(o => o.Cache.Backplane = backplane);
        var first = CacheFixture.Definition(test: "First");
        var second = CacheFixture.Definition(tags: ["t"], test: "Second");
        var firstRegion = node.Runtime.Cache.Region<int, string?>(first);
        var secondRegion = node.Runtime.Cache.Region<int, string?>(second);
        await Cached(firstRegion, first, 1, "a");
        await Cached(secondRegion, second, 2, "b");
        var body = new ControlledBody<string?>();
        var running = firstRegion.GetOrCreateAsync(3, body, CacheFixture.KeyOf(first), ControlledBody<string?>.Run, CancellationToken.None);

        await backplane.PublishAsync(new CacheInvalidation(CacheInvalidationKind.All, string.Empty, string.Empty, string.Empty));
        body.Complete(0, "c");

        Assert.Equal("c", await CacheFixture.Within(running, "the attempt running during the invalidation"));
        Assert.False(firstRegion.TryGetLocal(1, out _));
        Assert.False(secondRegion.TryGetLocal(2, out _));
        Assert.False(firstRegion.TryGetLocal(3, out _), "A result that may predate a missed eviction is not kept.");
    }

    [Fact]
    public async Task A_disposed_cache_no_longer_listens_to_the_backplane()
    {
        var backplane = new InMemoryBackplane();
        var a = new CacheFixture(o => o.Cache.Backplane = backplane);
        var b = new CacheFixture(o => o.Cache.Backplane = backplane);
        var definition = CacheFixture.Definition();
        var regionB = b.Runtime.Cache.Region<int, string?>(definition);
        await Cached(regionB, definition, 1, "b");

        b.Runtime.Cache.Dispose();
        await a.Runtime.Cache.Region<int, string?>(definition).InvalidateAsync(1, CacheFixture.KeyOf(definition));

        Assert.True(regionB.TryGetLocal(1, out _));
    }
}

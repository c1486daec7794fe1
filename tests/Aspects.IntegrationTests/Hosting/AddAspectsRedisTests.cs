using Aspects.Hosting;
using Aspects.IntegrationTests.Rig;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.Hosting;

/// <summary><c>AddAspects(a => a.UseRedis(...))</c> against the real Redis: two applications share the cache.</summary>
[Collection(RedisCollection.Name)]
public sealed partial class AddAspectsRedisTests(RedisFixture redis)
{
    [Fact]
    public async Task Two_containers_using_one_Redis_share_cached_results()
    {
        var method = "Aspects.IntegrationTests.Hosting.AddAspectsRedisTests.QuoteService.GetQuoteAsync";
        var sku = "sku-" + Guid.NewGuid().ToString("N");
        await using var first = Container();
        await using var second = Container();

        var firstService = first.GetRequiredService<QuoteService>();
        Assert.Equal(sku.Length, await firstService.GetQuoteAsync(sku).WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitForKeyAsync(first.GetRequiredService<IConnectionMultiplexer>(), method, sku);

        var secondService = second.GetRequiredService<QuoteService>();
        Assert.Equal(sku.Length, await secondService.GetQuoteAsync(sku).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(1, firstService.Calls);
        Assert.Equal(0, secondService.Calls);
        Assert.Same(first.GetRequiredService<IConnectionMultiplexer>(), first.GetRequiredService<IConnectionMultiplexer>());
    }

    [Fact]
    public void A_malformed_connection_string_fails_at_registration_naming_the_setting()
    {
        var exception = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAspects(a => a.UseRedis("host:6379,nonsense=1")));

        Assert.Contains("UseRedis connectionString", exception.Message);
    }

    [Fact]
    public async Task A_multiplexer_the_application_registered_is_the_one_the_cache_uses_and_stays_the_applications()
    {
        var sku = "sku-" + Guid.NewGuid().ToString("N");
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
        configuration.ClientName = "application-own";
        await using var own = await ConnectionMultiplexer.ConnectAsync(configuration);
        var provider = new ServiceCollection()
            .AddSingleton<IConnectionMultiplexer>(own)
            .AddAspects(aspects => aspects.UseRedis(redis.ConnectionString))
            .AddTransient<QuoteService>()
            .BuildServiceProvider();
        var operationsBefore = own.OperationCount;

        Assert.Equal(sku.Length, await provider.GetRequiredService<QuoteService>().GetQuoteAsync(sku).WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitForKeyAsync(own, QuoteMethod, sku);

        Assert.Same(own, provider.GetRequiredService<IConnectionMultiplexer>());
        Assert.True(own.OperationCount > operationsBefore, "The L2 read and write went through the application's multiplexer.");
        await provider.DisposeAsync();
        Assert.True(own.IsConnected, "Disposing the container leaves the application's multiplexer open.");
    }

    [Fact]
    public async Task UseRedis_without_a_connection_string_uses_the_registered_multiplexer_and_without_one_fails_naming_it()
    {
        await using var own = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var provider = new ServiceCollection()
            .AddSingleton<IConnectionMultiplexer>(own)
            .AddAspects(aspects => aspects.UseRedis())
            .AddTransient<QuoteService>()
            .BuildServiceProvider();
        var sku = "sku-" + Guid.NewGuid().ToString("N");
        Assert.Equal(sku.Length, await provider.GetRequiredService<QuoteService>().GetQuoteAsync(sku).WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitForKeyAsync(own, QuoteMethod, sku);

        await using var without = new ServiceCollection().AddAspects(aspects => aspects.UseRedis()).BuildServiceProvider();
        var exception = Assert.Throws<InvalidOperationException>(() => without.GetRequiredService<AspectRuntime>());
        Assert.Contains("IConnectionMultiplexer", exception.Message);
    }

    [Fact]
    public async Task An_in_memory_IDistributedCache_in_the_container_fails_the_runtime_instead_of_silently_having_no_Redis_tier()
    {
        await using var provider = new ServiceCollection()
            .AddDistributedMemoryCache()
            .AddAspects(aspects => aspects.UseRedis(redis.ConnectionString))
            .BuildServiceProvider();

        var exception = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<AspectRuntime>());

        Assert.Contains("AddDistributedMemoryCache", exception.Message);
    }

    [Fact]
    public async Task The_L2_lives_in_the_applications_container_and_ages_on_its_TimeProvider()
    {
        var sku = "sku-" + Guid.NewGuid().ToString("N");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var writer = Container(clock);
        await using var reader = Container(clock);
        await using var late = Container(clock);

        Assert.NotNull(writer.GetService<Microsoft.Extensions.Caching.Hybrid.HybridCache>());
        Assert.Equal(sku.Length, await writer.GetRequiredService<QuoteService>().GetQuoteAsync(sku).WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitForKeyAsync(writer.GetRequiredService<IConnectionMultiplexer>(), QuoteMethod, sku);
        var readerService = reader.GetRequiredService<QuoteService>();
        Assert.Equal(sku.Length, await readerService.GetQuoteAsync(sku).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, readerService.Calls);

        // Past the 60 s duration on the application's clock (Redis's own TTL has not run out): the entry is expired.
        clock.Advance(TimeSpan.FromSeconds(61));
        var lateService = late.GetRequiredService<QuoteService>();
        Assert.Equal(sku.Length, await lateService.GetQuoteAsync(sku).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(1, lateService.Calls);
    }

    private const string QuoteMethod = "Aspects.IntegrationTests.Hosting.AddAspectsRedisTests.QuoteService.GetQuoteAsync";

    private ServiceProvider Container(TimeProvider clock) =>
        new ServiceCollection()
            .AddSingleton(clock)
            .AddAspects(aspects => aspects.UseRedis(redis.ConnectionString))
            .AddTransient<QuoteService>()
            .BuildServiceProvider();

    private ServiceProvider Container() =>
        new ServiceCollection()
            .AddAspects(aspects => aspects.UseRedis(redis.ConnectionString))
            .AddTransient<QuoteService>()
            .BuildServiceProvider();

    // The distributed tier is written after the value is returned: wait (bounded) until the entry is there.
    private static async Task WaitForKeyAsync(IConnectionMultiplexer connection, string method, string sku)
    {
        var server = connection.GetServers()[0];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!server.Keys(pattern: "*" + method + "*" + sku + "*").Any())
        {
            Assert.True(DateTime.UtcNow < deadline, $"No Redis key for {method}({sku}) appeared within 10 s.");
            await Task.Delay(20);
        }
    }

    internal sealed partial class QuoteService(AspectRuntime aspects)
    {
        public int Calls { get; private set; }

        [Cached(DurationSeconds = 60)]
        public partial Task<int> GetQuoteAsync(string sku, CancellationToken cancellationToken = default);

        private Task<int> GetQuoteCoreAsync(string sku, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(sku.Length);
        }
    }
}

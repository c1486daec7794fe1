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

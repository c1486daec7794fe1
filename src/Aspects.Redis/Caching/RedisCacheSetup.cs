using Aspects.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Aspects.Redis.Caching;

/// <summary>Puts Redis behind the runtime's cache: HybridCache over Redis as the L2, and Redis pub/sub as the backplane.</summary>
public static class RedisCacheSetup
{
    /// <summary>
    /// Sets <see cref="CacheOptions.DistributedCache"/> to <see cref="CreateHybridCache"/> and
    /// <see cref="CacheOptions.Backplane"/> to a <see cref="RedisCacheBackplane"/>, both on <paramref name="connection"/>.
    /// </summary>
    /// <param name="options">The runtime's cache options; <see cref="CacheOptions.KeyPrefix"/> is read here, set it first.</param>
    /// <param name="connection">
    /// The application's shared multiplexer, owned by the caller. Create it with <c>abortConnect=false</c>, and
    /// <see cref="BacklogPolicy.FailFast"/> if calls should fall back to the body at once during an outage
    /// instead of waiting for the command timeout.
    /// </param>
    /// <param name="loggerFactory">Where L2 failures are logged; nothing by default.</param>
    /// <param name="hybridCache">
    /// Adjusts the HybridCache, e.g. its serializers: <c>h =&gt; h.AddSerializerFactory(new JsonTypeInfoSerializerFactory(MyJsonContext.Default))</c>
    /// makes the L2 work under NativeAOT (see <see cref="JsonTypeInfoSerializerFactory"/>).
    /// </param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static CacheOptions UseRedis(
        this CacheOptions options, IConnectionMultiplexer connection, ILoggerFactory? loggerFactory = null, Action<IHybridCacheBuilder>? hybridCache = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DistributedCache = CreateHybridCache(connection, loggerFactory, hybridCache);
        options.Backplane = new RedisCacheBackplane(connection, options.KeyPrefix);
        return options;
    }

    /// <summary>
    /// Builds Microsoft's HybridCache over <c>Microsoft.Extensions.Caching.StackExchangeRedis</c> on
    /// <paramref name="connection"/>, without the caller's dependency injection. Values are serialized
    /// with System.Text.Json (HybridCache's default, which uses reflection; see <see cref="JsonTypeInfoSerializerFactory"/>); store failures are logged and counted as
    /// <c>aspects.cache.l2_errors</c> and read as misses.
    /// </summary>
    /// <param name="connection">The application's shared multiplexer, owned by the caller.</param>
    /// <param name="loggerFactory">Where failures are logged; nothing by default.</param>
    /// <param name="hybridCache">Adjusts the HybridCache (serializers, options); nothing by default.</param>
    /// <returns>The HybridCache, to set as <see cref="CacheOptions.DistributedCache"/>.</returns>
    public static HybridCache CreateHybridCache(
        IConnectionMultiplexer connection, ILoggerFactory? loggerFactory = null, Action<IHybridCacheBuilder>? hybridCache = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        loggerFactory ??= NullLoggerFactory.Instance;

        // The multiplexer is the application's: RedisCache only borrows it through the factory.
        var redis = new RedisCache(Options.Create(new RedisCacheOptions
        {
            ConnectionMultiplexerFactory = () => Task.FromResult(connection),
        }));
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        var store = new FailureTolerantDistributedCache(redis, loggerFactory.CreateLogger("Aspects.Redis.Caching"), TimeProvider.System);
        services.AddSingleton<IDistributedCache>(store);
        var builder = services.AddHybridCache();
        hybridCache?.Invoke(builder);

        // After the application's adjustments, so that removing or replacing serializer factories keeps the runtime's entry format.
        L2EntrySerializerFactory.Register(builder);
        var hybrid = services.BuildServiceProvider().GetRequiredService<HybridCache>();
        TieredCache.ReadFailureCounts.AddOrUpdate(hybrid, store.ReadFailures);
        return hybrid;
    }
}

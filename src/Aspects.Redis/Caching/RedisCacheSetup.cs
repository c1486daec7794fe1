using Aspects.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// With dependency injection, <c>services.AddAspects(a =&gt; a.UseRedis(...))</c> does this with the container's services.
    /// </summary>
    /// <param name="options">The runtime's cache options; <see cref="CacheOptions.KeyPrefix"/> is read here, set it first.</param>
    /// <param name="connection">
    /// The application's shared multiplexer, owned by the caller. Create it with <c>abortConnect=false</c> and
    /// <see cref="BacklogPolicy.FailFast"/>, so that calls fall back to the body at once during an outage instead of
    /// waiting in the multiplexer's backlog until the command timeout (what <c>UseRedis(connectionString)</c> does).
    /// </param>
    /// <param name="loggerFactory">Where L2 failures are logged; nothing by default.</param>
    /// <param name="hybridCache">
    /// Adjusts the HybridCache, e.g. its serializers: <c>h =&gt; h.AddSerializerFactory(new JsonTypeInfoSerializerFactory(MyJsonContext.Default))</c>
    /// makes the L2 work under NativeAOT (see <see cref="JsonTypeInfoSerializerFactory"/>).
    /// </param>
    /// <param name="timeProvider">The clock of L2 entry lifetimes; give the runtime's (<see cref="AspectRuntimeOptions.TimeProvider"/>). <see cref="TimeProvider.System"/> by default.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static CacheOptions UseRedis(
        this CacheOptions options,
        IConnectionMultiplexer connection,
        ILoggerFactory? loggerFactory = null,
        Action<IHybridCacheBuilder>? hybridCache = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DistributedCache = CreateHybridCache(connection, loggerFactory, hybridCache, timeProvider);
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
    /// <param name="timeProvider">The clock of entry lifetimes and of the outage log; <see cref="TimeProvider.System"/> by default.</param>
    /// <returns>The HybridCache, to set as <see cref="CacheOptions.DistributedCache"/>.</returns>
    public static HybridCache CreateHybridCache(
        IConnectionMultiplexer connection,
        ILoggerFactory? loggerFactory = null,
        Action<IHybridCacheBuilder>? hybridCache = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var services = new ServiceCollection();

        // Instances, so this provider never disposes them: they stay the caller's.
        services.AddSingleton(connection);
        services.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        var builder = AddDistributedTier(services);
        hybridCache?.Invoke(builder);
        L2EntrySerializerFactory.Register(builder);
        return ResolveHybridCache(services.BuildServiceProvider());
    }

    /// <summary>
    /// Registers, unless already registered, HybridCache (<c>AddHybridCache</c>) and, as its
    /// <see cref="IDistributedCache"/>, Redis on the container's <see cref="IConnectionMultiplexer"/> wrapped so that
    /// failures are logged and counted. Both the container of <c>AddAspects</c> and the private one of
    /// <see cref="CreateHybridCache"/> are set up here; the caller then applies the application's adjustments and
    /// registers the runtime's L2 entry format after them (<see cref="L2EntrySerializerFactory.Register"/>).
    /// </summary>
    internal static IHybridCacheBuilder AddDistributedTier(IServiceCollection services)
    {
        services.TryAddSingleton<IDistributedCache>(static provider => CreateDistributedCache(provider));
        return services.AddHybridCache();
    }

    /// <summary>
    /// The container's HybridCache, with the read-failure count of its store attached when the store is ours
    /// (<see cref="TieredCache.ReadFailureCounts"/>): a failed read of an eviction record is then never taken for "none".
    /// </summary>
    internal static HybridCache ResolveHybridCache(IServiceProvider provider)
    {
        var hybrid = provider.GetRequiredService<HybridCache>();
        if (provider.GetService<IDistributedCache>() is FailureTolerantDistributedCache store)
        {
            TieredCache.ReadFailureCounts.AddOrUpdate(hybrid, store.ReadFailures);
        }

        return hybrid;
    }

    // Not disposable on purpose: disposing RedisCache would close the multiplexer, which RedisCache only borrows here.
    private static FailureTolerantDistributedCache CreateDistributedCache(IServiceProvider provider)
    {
        var connection = provider.GetRequiredService<IConnectionMultiplexer>();
        var redis = new RedisCache(Options.Create(new RedisCacheOptions
        {
            ConnectionMultiplexerFactory = () => Task.FromResult(connection),
        }));
        var loggerFactory = provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        return new FailureTolerantDistributedCache(
            redis, loggerFactory.CreateLogger("Aspects.Redis.Caching"), provider.GetService<TimeProvider>() ?? TimeProvider.System);
    }
}

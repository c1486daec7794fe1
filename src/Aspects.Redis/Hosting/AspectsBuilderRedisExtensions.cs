using Aspects.Redis.Caching;
using Aspects.Redis.RateLimiting;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Aspects.Hosting;

/// <summary>Plugs Redis into <c>services.AddAspects(...)</c>.</summary>
public static class AspectsBuilderRedisExtensions
{
    /// <summary>
    /// Registers one shared <see cref="IConnectionMultiplexer"/> for <paramref name="connectionString"/>, unless the
    /// application registered one already (then that one is used and the string ignored), and uses Redis as the
    /// cache's distributed tier and backplane and for distributed rate limits; see <see cref="UseRedis(AspectsBuilder, Action{RedisRateLimiterOptions}?, Action{IHybridCacheBuilder}?)"/>.
    /// </summary>
    /// <remarks>
    /// The multiplexer is made for a cache: it fails fast while Redis is down, so a cached call costs its body plus a
    /// few milliseconds during an outage instead of waiting in the multiplexer's backlog:
    /// <c>abortConnect=false</c> (start-up never fails because Redis is down), <see cref="BacklogPolicy.FailFast"/>,
    /// <c>connectTimeout=2000</c> and <c>syncTimeout</c>/<c>asyncTimeout=1000</c> (milliseconds). A timeout written in
    /// the connection string wins; for any other backlog policy, register your own multiplexer. The container creates
    /// it on first use and disposes it.
    /// </remarks>
    /// <param name="builder">The Aspects builder.</param>
    /// <param name="connectionString">
    /// A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>; for Redis Cluster, any (or every)
    /// node: <c>10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000</c>.
    /// </param>
    /// <param name="rateLimits">Adjusts the distributed rate limiter (failure mode, key prefix).</param>
    /// <param name="hybridCache">
    /// Adjusts the HybridCache of the distributed tier, e.g. its serializers (see
    /// <see cref="JsonTypeInfoSerializerFactory"/> for NativeAOT).
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or malformed; the message says why.</exception>
    public static AspectsBuilder UseRedis(
        this AspectsBuilder builder, string connectionString, Action<RedisRateLimiterOptions>? rateLimits = null, Action<IHybridCacheBuilder>? hybridCache = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = RedisConnectionDefaults.Parse(connectionString);
        builder.Services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration));
        return builder.UseRedis(rateLimits, hybridCache);
    }

    /// <summary>
    /// Uses the <see cref="IConnectionMultiplexer"/> the application registered as the cache's distributed tier and
    /// backplane and for distributed rate limits, and adds Redis connection errors to the transient exceptions that
    /// <c>[Retry]</c> handles by default.
    /// </summary>
    /// <remarks>
    /// Registered in the application's container, each only when not registered already (<c>TryAdd</c>, so an
    /// application's own registration is reused): HybridCache (<c>AddHybridCache</c>, on the container's
    /// <see cref="TimeProvider"/> and loggers) and, as its <see cref="IDistributedCache"/>, Redis on the multiplexer,
    /// wrapped so that store failures are logged and counted as <c>aspects.cache.l2_errors</c>. An
    /// <see cref="IDistributedCache"/> the application registered is used as it is (its failures are then logged by
    /// HybridCache only). Calling this again adds the new <paramref name="rateLimits"/> and
    /// <paramref name="hybridCache"/> steps to the earlier ones.
    /// </remarks>
    /// <param name="builder">The Aspects builder.</param>
    /// <param name="rateLimits">Adjusts the distributed rate limiter (failure mode, key prefix), through <see cref="IOptions{TOptions}"/>.</param>
    /// <param name="hybridCache">Adjusts the HybridCache of the distributed tier, e.g. its serializers.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">
    /// Thrown when the runtime is resolved: no <see cref="IConnectionMultiplexer"/> is registered, or the container's
    /// <see cref="IDistributedCache"/> is the in-memory one (<c>AddDistributedMemoryCache</c>), which HybridCache ignores.
    /// </exception>
    public static AspectsBuilder UseRedis(
        this AspectsBuilder builder, Action<RedisRateLimiterOptions>? rateLimits = null, Action<IHybridCacheBuilder>? hybridCache = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (rateLimits is not null)
        {
            services.Configure(rateLimits);
        }

        var alreadyUsed = false;
        foreach (var descriptor in services)
        {
            alreadyUsed |= descriptor.ServiceType == typeof(RedisRegistration);
        }

        if (!alreadyUsed)
        {
            services.AddSingleton<RedisRegistration>();
            RedisCacheSetup.AddDistributedTier(services);
            builder.Configure(static (provider, options) =>
            {
                var redis = provider.GetService<IConnectionMultiplexer>() ?? throw new InvalidOperationException(
                    "UseRedis() without a connection string uses the container's IConnectionMultiplexer, but none is registered: " +
                    "register one (services.AddSingleton<IConnectionMultiplexer>(...)) or call UseRedis(\"host:port\").");
                if (provider.GetService<IDistributedCache>() is MemoryDistributedCache)
                {
                    throw new InvalidOperationException(
                        "UseRedis: the container's IDistributedCache is the in-memory MemoryDistributedCache (AddDistributedMemoryCache), " +
                        "which HybridCache ignores, so [Cached] would have no Redis tier. Remove AddDistributedMemoryCache, or register Redis " +
                        "as the IDistributedCache (AddStackExchangeRedisCache).");
                }

                options.Cache.DistributedCache = RedisCacheSetup.ResolveHybridCache(provider);
                options.Cache.Backplane = new RedisCacheBackplane(redis, options.Cache.KeyPrefix);
                options.DistributedRateLimiters = new RedisRateLimiterFactory(redis, provider.GetService<IOptions<RedisRateLimiterOptions>>()?.Value);
                options.AddRedisTransientErrors();
            });
        }

        var hybridCacheBuilder = services.AddHybridCache();
        hybridCache?.Invoke(hybridCacheBuilder);
        L2EntrySerializerFactory.Register(hybridCacheBuilder);
        return builder;
    }

    /// <summary>
    /// Adds Redis connection failures (<see cref="RedisConnectionException"/>) to the exceptions that
    /// <c>[Retry]</c> without <c>Handle</c> retries; <see cref="RedisTimeoutException"/> already is one,
    /// being a <see cref="TimeoutException"/>.
    /// </summary>
    /// <param name="options">The runtime options.</param>
    /// <returns>The options, for chaining.</returns>
    public static AspectRuntimeOptions AddRedisTransientErrors(this AspectRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.TransientExceptionClassifiers.Contains(IsRedisConnectionFailure))
        {
            options.TransientExceptionClassifiers.Add(IsRedisConnectionFailure);
        }

        return options;
    }

    private static bool IsRedisConnectionFailure(Exception exception) => exception is RedisConnectionException;

    /// <summary>Marks a collection in which <c>UseRedis</c> already registered its services and configuration step.</summary>
    private sealed class RedisRegistration;
}

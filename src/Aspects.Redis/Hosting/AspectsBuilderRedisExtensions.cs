using Aspects.Redis.Caching;
using Aspects.Redis.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Aspects.Hosting;

/// <summary>Plugs Redis into <c>services.AddAspects(...)</c>.</summary>
public static class AspectsBuilderRedisExtensions
{
    /// <summary>
    /// Connects to Redis through one shared <see cref="IConnectionMultiplexer"/> (registered as a
    /// singleton, <c>abortConnect=false</c> so start-up never fails because Redis is down) and uses it as
    /// the cache's distributed tier and backplane and for distributed rate limits. Redis connection
    /// errors join the transient exceptions that <c>[Retry]</c> handles by default.
    /// </summary>
    /// <param name="builder">The Aspects builder.</param>
    /// <param name="connectionString">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="rateLimits">Adjusts the distributed rate limiter (failure mode, key prefix).</param>
    /// <param name="hybridCache">
    /// Adjusts the HybridCache of the distributed tier, e.g. its serializers (see
    /// <see cref="Redis.Caching.JsonTypeInfoSerializerFactory"/> for NativeAOT).
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or malformed; the message says why.</exception>
    public static AspectsBuilder UseRedis(
        this AspectsBuilder builder, string connectionString, Action<RedisRateLimiterOptions>? rateLimits = null, Action<Microsoft.Extensions.Caching.Hybrid.IHybridCacheBuilder>? hybridCache = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The Redis connection string (UseRedis connectionString) is empty.", nameof(connectionString));
        }

        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"The Redis connection string (UseRedis connectionString) is invalid: {exception.Message}", nameof(connectionString), exception);
        }

        configuration.AbortOnConnectFail = false;
        var limiterOptions = new RedisRateLimiterOptions();
        rateLimits?.Invoke(limiterOptions);

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration));
        return builder.Configure((services, options) =>
        {
            var redis = services.GetRequiredService<IConnectionMultiplexer>();
            options.Cache.UseRedis(redis, services.GetService<ILoggerFactory>(), hybridCache);
            options.DistributedRateLimiters = new RedisRateLimiterFactory(redis, limiterOptions);
            options.AddRedisTransientErrors();
        });
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
}

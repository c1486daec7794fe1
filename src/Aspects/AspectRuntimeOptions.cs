using Aspects.RateLimiting;
using Aspects.Caching;
using Aspects.Policies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aspects;

/// <summary>Settings of an <see cref="AspectRuntime"/>.</summary>
public sealed class AspectRuntimeOptions
{
    /// <summary>The clock; <see cref="TimeProvider.System"/> by default. Tests pass a <c>FakeTimeProvider</c>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The random source for retry jitter; <see cref="Random.Shared"/> by default.</summary>
    public Random Random { get; set; } = Random.Shared;

    /// <summary>Where the runtime logs (outages, fallbacks, misconfiguration); nothing by default.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Extra rules that mark an exception as transient for <c>[Retry]</c> without <c>Handle</c> types,
    /// on top of the built-in ones (for example PostgreSQL or Redis connection errors).
    /// </summary>
    public IList<Func<Exception, bool>> TransientExceptionClassifiers { get; } = new List<Func<Exception, bool>>();

    /// <summary>
    /// Creates the buckets of <c>[RateLimited(Scope = RateLimitScope.Distributed)]</c>, shared across
    /// processes (for example <c>new RedisRateLimiterFactory(multiplexer)</c> from <c>Aspects.Redis</c>).
    /// When <see langword="null"/> (the default) such buckets are local to the process and a warning is logged.
    /// </summary>
    public IDistributedRateLimiterFactory? DistributedRateLimiters { get; set; }

    /// <summary>
    /// Settings of the cache behind <c>[Cached]</c>: the L1 bound, the L2 (<see cref="CacheOptions.DistributedCache"/>),
    /// the backplane and the key prefix. Memory only by default.
    /// </summary>
    public CacheOptions Cache { get; } = new();

    /// <summary>
    /// Named policies that attributes with <c>Policy = "name"</c> take their settings from, set in code (for
    /// example <c>options.Policies.Retry["payments"] = new RetryPolicy { MaxAttempts = 5 }</c>). Empty by default.
    /// <c>AspectsBuilder.UseConfiguration</c> fills it from configuration instead, and reloads it; change it at
    /// run time with <see cref="AspectRuntime.UpdatePolicies"/>.
    /// </summary>
    public AspectPolicies Policies { get; set; } = new();
}

using Aspects.Rules;

namespace Aspects;

/// <summary>
/// Lets calls of the method through at most at <see cref="PermitsPerSecond"/>, with bursts of up to
/// <see cref="Burst"/> calls (a token bucket). Put it on a <c>partial</c> method and write the body in
/// <c>{Name}Core</c>; the generator takes a permit before every call of the body.
/// </summary>
/// <remarks>
/// Every method naming the same <see cref="Name"/> shares one bucket. With <c>[Retry]</c>, every
/// attempt takes a permit. See <c>docs/rate-limiting.md</c> for exactness, fairness and failure modes.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RateLimitedAttribute : Attribute
{
    /// <summary>
    /// The bucket name; all methods naming it share one bucket. Default: the method's full name, so
    /// each method has its own bucket.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The sustained rate in permits per second; greater than 0 and at most 1e9 (fractions allowed: 0.5 is one call
    /// every 2 s). Required: the default 0 is reported (ASP0007).
    /// </summary>
    public double PermitsPerSecond { get; set; } = RateLimitRules.DefaultPermitsPerSecond;

    /// <summary>
    /// The bucket capacity: how many calls may go through at once after a quiet period. 0 (the default)
    /// means <c>ceil(PermitsPerSecond)</c>.
    /// </summary>
    public int Burst { get; set; } = RateLimitRules.DefaultBurst;

    /// <summary>Whether a call without a permit waits or fails at once. Default <see cref="RateLimitMode.Wait"/>.</summary>
    public RateLimitMode Mode { get; set; } = (RateLimitMode)RateLimitRules.DefaultMode;

    /// <summary>
    /// In <see cref="RateLimitMode.Wait"/> mode, the longest a call waits for its permit; a call that
    /// would wait longer fails at once with <see cref="RateLimitRejectedException"/>. Default 30000.
    /// </summary>
    public int MaxWaitMilliseconds { get; set; } = RateLimitRules.DefaultMaxWaitMilliseconds;

    /// <summary>Whether the bucket is per process or shared across processes. Default <see cref="RateLimitScope.Local"/>.</summary>
    public RateLimitScope Scope { get; set; } = (RateLimitScope)RateLimitRules.DefaultScope;

    /// <summary>
    /// The name of a policy (<c>Aspects:RateLimits:{name}</c> in configuration, or <see cref="AspectRuntimeOptions.Policies"/>)
    /// whose values override <see cref="PermitsPerSecond"/>, <see cref="Burst"/>, <see cref="Mode"/> and <see cref="MaxWaitMilliseconds"/> at run time, the values written here being the defaults; on a reload the bucket takes the new rate and burst, keeping the permits it holds (capped at the new burst). <see cref="Name"/> and <see cref="Scope"/> stay as compiled.
    /// <see langword="null"/> (the default): no policy. A name nothing defines logs a warning once and uses these values.
    /// </summary>
    public string? Policy { get; set; }
}

using Aspects.Rules;

namespace Aspects.Policies;

/// <summary>The effective settings of a <c>[RateLimited]</c> method: its attribute merged with its policy. Immutable.</summary>
public sealed class RateLimitSettings
{
    /// <summary>Creates validated settings. Generated code builds one per <c>[RateLimited]</c> method from its attribute.</summary>
    /// <param name="permitsPerSecond">The sustained rate: greater than 0, at most 1e9.</param>
    /// <param name="burst">The capacity as written; 0 means ceil(<paramref name="permitsPerSecond"/>) (see <see cref="Burst"/>).</param>
    /// <param name="mode">Wait or reject when no permit is available.</param>
    /// <param name="maxWaitMilliseconds">The longest wait in Wait mode; at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it and says why.</exception>
    public RateLimitSettings(double permitsPerSecond, int burst, RateLimitMode mode, int maxWaitMilliseconds)
    {
        PolicyRules.ThrowIfInvalid(RateLimitRules.CheckPermitsPerSecond(permitsPerSecond), nameof(permitsPerSecond), RateLimitRules.PermitsPerSecond, permitsPerSecond);
        PolicyRules.ThrowIfInvalid(RateLimitRules.CheckBurst(burst), nameof(burst), RateLimitRules.Burst, burst);
        PolicyRules.ThrowIfInvalid(RateLimitRules.CheckMode((int)mode), nameof(mode), RateLimitRules.Mode, mode);
        PolicyRules.ThrowIfInvalid(RateLimitRules.CheckMaxWaitMilliseconds(maxWaitMilliseconds), nameof(maxWaitMilliseconds), RateLimitRules.MaxWaitMilliseconds, maxWaitMilliseconds);
        PermitsPerSecond = permitsPerSecond;
        ConfiguredBurst = burst;
        Burst = RateLimitRules.EffectiveBurst(permitsPerSecond, burst);
        Mode = mode;
        MaxWaitMilliseconds = maxWaitMilliseconds;
        MaxWait = TimeSpan.FromMilliseconds(maxWaitMilliseconds);
    }

    /// <summary>The sustained rate in permits per second.</summary>
    public double PermitsPerSecond { get; }

    /// <summary>The bucket capacity, resolved: the burst as written, or ceil(<see cref="PermitsPerSecond"/>) for 0 (never 0).</summary>
    public int Burst { get; }

    /// <summary>Wait or reject when no permit is available.</summary>
    public RateLimitMode Mode { get; }

    /// <summary>The longest wait in Wait mode, in milliseconds.</summary>
    public int MaxWaitMilliseconds { get; }

    /// <summary><see cref="MaxWaitMilliseconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan MaxWait { get; }

    // The burst as written (0 = follow the rate), so a policy that changes only the rate moves a default burst with it.
    internal int ConfiguredBurst { get; }

    internal RateLimitSettings With(RateLimitPolicy policy) => new(
        policy.PermitsPerSecond ?? PermitsPerSecond,
        policy.Burst ?? ConfiguredBurst,
        policy.Mode ?? Mode,
        policy.MaxWaitMilliseconds ?? MaxWaitMilliseconds);

    internal bool SameAs(RateLimitSettings other) =>
        PermitsPerSecond == other.PermitsPerSecond && Burst == other.Burst && Mode == other.Mode && MaxWaitMilliseconds == other.MaxWaitMilliseconds;
}

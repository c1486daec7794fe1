using Aspects.Rules;

namespace Aspects.Policies;

/// <summary>
/// A named policy of <c>[RateLimited]</c> methods; an unset value keeps the attribute's. The bucket name and
/// <see cref="RateLimitedAttribute.Scope"/> stay as compiled.
/// </summary>
public sealed class RateLimitPolicy
{
    /// <summary>The sustained rate in permits per second; greater than 0, at most 1e9 (see <see cref="RateLimitedAttribute.PermitsPerSecond"/>).</summary>
    public double? PermitsPerSecond { get; set; }

    /// <summary>The bucket capacity; 0 means ceil(PermitsPerSecond) (see <see cref="RateLimitedAttribute.Burst"/>).</summary>
    public int? Burst { get; set; }

    /// <summary>Whether a call without a permit waits or fails at once (see <see cref="RateLimitedAttribute.Mode"/>).</summary>
    public RateLimitMode? Mode { get; set; }

    /// <summary>The longest wait for a permit in Wait mode, in milliseconds; at least 0 (see <see cref="RateLimitedAttribute.MaxWaitMilliseconds"/>).</summary>
    public int? MaxWaitMilliseconds { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        PolicyRules.Check(errors, path, RateLimitRules.PermitsPerSecond, PermitsPerSecond, PermitsPerSecond is { } rate ? RateLimitRules.CheckPermitsPerSecond(rate) : null);
        PolicyRules.Check(errors, path, RateLimitRules.Burst, Burst, Burst is { } burst ? RateLimitRules.CheckBurst(burst) : null);
        PolicyRules.Check(errors, path, RateLimitRules.MaxWaitMilliseconds, MaxWaitMilliseconds, MaxWaitMilliseconds is { } wait ? RateLimitRules.CheckMaxWaitMilliseconds(wait) : null);
        PolicyRules.Check(errors, path, RateLimitRules.Mode, Mode, Mode is { } mode ? RateLimitRules.CheckMode((int)mode) : null);
    }

    internal RateLimitPolicy Copy() =>
        new() { PermitsPerSecond = PermitsPerSecond, Burst = Burst, Mode = Mode, MaxWaitMilliseconds = MaxWaitMilliseconds };
}

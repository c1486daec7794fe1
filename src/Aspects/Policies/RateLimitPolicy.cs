using Aspects.RateLimiting;

namespace Aspects.Policies;

/// <summary>
/// A named policy of <c>[RateLimited]</c> methods; an unset value keeps the attribute's. The bucket name and
/// <see cref="RateLimitedAttribute.Scope"/> stay as compiled.
/// </summary>
public sealed class RateLimitPolicy
{
    /// <summary>The sustained rate in permits per second; greater than 0 (see <see cref="RateLimitedAttribute.PermitsPerSecond"/>).</summary>
    public double? PermitsPerSecond { get; set; }

    /// <summary>The bucket capacity; 0 means ceil(PermitsPerSecond) (see <see cref="RateLimitedAttribute.Burst"/>).</summary>
    public int? Burst { get; set; }

    /// <summary>Whether a call without a permit waits or fails at once (see <see cref="RateLimitedAttribute.Mode"/>).</summary>
    public RateLimitMode? Mode { get; set; }

    /// <summary>The longest wait for a permit in Wait mode, in milliseconds; at least 0 (see <see cref="RateLimitedAttribute.MaxWaitMilliseconds"/>).</summary>
    public int? MaxWaitMilliseconds { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        if (PermitsPerSecond is { } rate && !(rate > 0 && rate <= RateLimiterRegistry.MaxPermitsPerSecond))
        {
            errors.Add(PolicyRules.Message(path, nameof(PermitsPerSecond), rate, $"must be greater than 0 and at most {RateLimiterRegistry.MaxPermitsPerSecond:0}"));
        }

        PolicyRules.AtLeast(errors, path, nameof(Burst), Burst, 0, "use 0 for ceil(PermitsPerSecond) or a positive capacity");
        PolicyRules.AtLeast(errors, path, nameof(MaxWaitMilliseconds), MaxWaitMilliseconds, 0, "a wait cannot be negative");
        if (Mode is { } mode && mode is not (RateLimitMode.Wait or RateLimitMode.Reject))
        {
            errors.Add(PolicyRules.Message(path, nameof(Mode), mode, "use Wait or Reject"));
        }
    }

    internal RateLimitPolicy Copy() =>
        new() { PermitsPerSecond = PermitsPerSecond, Burst = Burst, Mode = Mode, MaxWaitMilliseconds = MaxWaitMilliseconds };
}

using Aspects.RateLimiting;

namespace Aspects.Policies;

/// <summary>
/// Ties one <c>[RateLimited(Policy = ...)]</c> method to its named policy. Generated code keeps one per method
/// in a <c>static readonly</c> field, gets its bucket with
/// <see cref="RateLimiterRegistry.GetOrCreate(string, RateLimitPolicyBinding, RateLimitScope)"/> (which applies a
/// changed rate or burst to the bucket) and takes permits with <see cref="AcquireAsync"/>.
/// </summary>
/// <param name="policy">The policy name (<c>Aspects:RateLimits:{policy}</c>).</param>
/// <param name="defaults">The attribute's values, used for whatever the policy leaves unset.</param>
public sealed class RateLimitPolicyBinding(string policy, RateLimitSettings defaults)
    : PolicyBinding<RateLimitPolicy, RateLimitSettings>(policy, defaults)
{
    private protected override string Section => PolicyConfigurationReader.RateLimitsSection;

    /// <summary>Takes one permit from <paramref name="limiter"/> with the effective mode and maximum wait.</summary>
    /// <param name="limiter">The method's bucket.</param>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the permit is taken.</returns>
    public ValueTask AcquireAsync(AspectRateLimiter limiter, AspectRuntime runtime, CancellationToken cancellationToken)
    {
        var settings = Resolve(runtime);
        return limiter.AcquireAsync(settings.Mode, settings.MaxWait, cancellationToken);
    }

    /// <summary>Takes one permit, blocking while it waits; for synchronous methods.</summary>
    /// <param name="limiter">The method's bucket.</param>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public void Acquire(AspectRateLimiter limiter, AspectRuntime runtime, CancellationToken cancellationToken)
    {
        var settings = Resolve(runtime);
        limiter.Acquire(settings.Mode, settings.MaxWait, cancellationToken);
    }

    private protected override Dictionary<string, RateLimitPolicy> PoliciesOf(PolicySnapshot snapshot) => snapshot.RateLimits;

    private protected override RateLimitSettings Merge(RateLimitPolicy policy) => Defaults.With(policy);

    private protected override bool Same(RateLimitSettings left, RateLimitSettings right) => left.SameAs(right);
}

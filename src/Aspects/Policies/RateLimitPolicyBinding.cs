namespace Aspects.Policies;

/// <summary>
/// Ties one <c>[RateLimited(Policy = ...)]</c> method to its named policy: held by the method's
/// <see cref="RateLimiting.RateLimitDefinition"/>, which takes its mode and wait from <see cref="PolicyBinding{TPolicy, TSettings}.Resolve"/>
/// and lets <see cref="RateLimiting.RateLimiterRegistry"/> apply a changed rate or burst to the bucket.
/// </summary>
/// <param name="policy">The policy name (<c>Aspects:RateLimits:{policy}</c>).</param>
/// <param name="defaults">The attribute's values, used for whatever the policy leaves unset.</param>
internal sealed class RateLimitPolicyBinding(string policy, RateLimitSettings defaults)
    : PolicyBinding<RateLimitPolicy, RateLimitSettings>(policy, defaults)
{
    private protected override string Section => PolicyConfigurationReader.RateLimitsSection;

    private protected override Dictionary<string, RateLimitPolicy> PoliciesOf(PolicySnapshot snapshot) => snapshot.RateLimits;

    private protected override RateLimitSettings Merge(RateLimitPolicy policy) => Defaults.With(policy);

    private protected override bool Same(RateLimitSettings left, RateLimitSettings right) => left.SameAs(right);
}

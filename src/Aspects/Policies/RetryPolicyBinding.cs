namespace Aspects.Policies;

/// <summary>
/// Ties one <c>[Retry(Policy = ...)]</c> method to its named policy (<c>Aspects:Retry:{policy}</c>). Generated code
/// keeps one per method in a <c>static readonly</c> field and resolves it once per call that needs a retry.
/// </summary>
/// <param name="policy">The policy name.</param>
/// <param name="defaults">The attribute's values, used for whatever the policy leaves unset.</param>
public sealed class RetryPolicyBinding(string policy, RetrySettings defaults) : PolicyBinding<RetryPolicy, RetrySettings>(policy, defaults)
{
    private protected override string Section => PolicyConfigurationReader.RetrySection;

    private protected override Dictionary<string, RetryPolicy> PoliciesOf(PolicySnapshot snapshot) => snapshot.Retry;

    private protected override RetrySettings Merge(RetryPolicy policy) => Defaults.With(policy);

    private protected override bool Same(RetrySettings left, RetrySettings right) => left.SameAs(right);
}

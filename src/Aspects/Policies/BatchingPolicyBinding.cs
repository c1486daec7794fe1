namespace Aspects.Policies;

/// <summary>
/// Ties a <see cref="Batching.BatchDefinition"/> with a policy name to its policy (<c>Aspects:Batching:{policy}</c>);
/// the method's batcher asks it for the settings whenever a batch opens.
/// </summary>
/// <param name="policy">The policy name.</param>
/// <param name="defaults">The attribute's values, used for whatever the policy leaves unset.</param>
internal sealed class BatchingPolicyBinding(string policy, BatchingSettings defaults) : PolicyBinding<BatchingPolicy, BatchingSettings>(policy, defaults)
{
    private protected override string Section => PolicyConfigurationReader.BatchingSection;

    private protected override Dictionary<string, BatchingPolicy> PoliciesOf(PolicySnapshot snapshot) => snapshot.Batching;

    private protected override BatchingSettings Merge(BatchingPolicy policy) => Defaults.With(policy);

    private protected override bool Same(BatchingSettings left, BatchingSettings right) => left.SameAs(right);
}

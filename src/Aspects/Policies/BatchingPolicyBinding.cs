namespace Aspects.Policies;

/// <summary>
/// Ties one <c>[Batched(Policy = ...)]</c> method to its named policy (<c>Aspects:Batching:{policy}</c>). Generated
/// code keeps one per method in a <c>static readonly</c> field and passes it to
/// <see cref="AspectRuntime.CreateMicroBatcher{TKey, TValue}(string, Func{IReadOnlyList{TKey}, CancellationToken, Task{IReadOnlyDictionary{TKey, TValue}}}, BatchingPolicyBinding, IEqualityComparer{TKey})"/>;
/// the batcher resolves it whenever a batch opens.
/// </summary>
/// <param name="policy">The policy name.</param>
/// <param name="defaults">The attribute's values, used for whatever the policy leaves unset.</param>
public sealed class BatchingPolicyBinding(string policy, BatchingSettings defaults) : PolicyBinding<BatchingPolicy, BatchingSettings>(policy, defaults)
{
    private protected override string Section => PolicyConfigurationReader.BatchingSection;

    private protected override Dictionary<string, BatchingPolicy> PoliciesOf(PolicySnapshot snapshot) => snapshot.Batching;

    private protected override BatchingSettings Merge(BatchingPolicy policy) => Defaults.With(policy);

    private protected override bool Same(BatchingSettings left, BatchingSettings right) => left.SameAs(right);
}

using System.Runtime.CompilerServices;

namespace Aspects.Policies;

/// <summary>
/// Ties one <c>[Batched(Policy = ...)]</c> method to its named policy. Generated code keeps one per method in a
/// <c>static readonly</c> field and passes it to <see cref="AspectRuntime.CreateMicroBatcher{TKey, TValue}(string, Func{IReadOnlyList{TKey}, CancellationToken, Task{IReadOnlyDictionary{TKey, TValue}}}, BatchingPolicyBinding)"/>; the batcher resolves it whenever a batch opens.
/// </summary>
public sealed class BatchingPolicyBinding
{
    private Resolved<BatchingSettings>? _last;

    /// <summary>Creates the binding.</summary>
    /// <param name="policy">The policy name (<c>Aspects:Batching:{policy}</c>).</param>
    /// <param name="defaults">The attribute's values, used for whatever the policy leaves unset.</param>
    public BatchingPolicyBinding(string policy, BatchingSettings defaults)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        ArgumentNullException.ThrowIfNull(defaults);
        Policy = policy;
        Defaults = defaults;
    }

    /// <summary>The policy name.</summary>
    public string Policy { get; }

    /// <summary>The attribute's values.</summary>
    public BatchingSettings Defaults { get; }

    /// <summary>
    /// The effective settings on <paramref name="runtime"/>: a field read and a reference comparison unless the
    /// runtime's policies changed since the last call, then merged once again.
    /// </summary>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <returns>The settings (the same instance until the policies change).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BatchingSettings Resolve(AspectRuntime runtime)
    {
        var snapshot = runtime.PolicyStore.Current;
        var last = Volatile.Read(ref _last);
        return last is not null && ReferenceEquals(last.Snapshot, snapshot) ? last.Settings : ResolveSlow(runtime.PolicyStore, snapshot, last);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private BatchingSettings ResolveSlow(PolicyStore store, PolicySnapshot snapshot, Resolved<BatchingSettings>? last)
    {
        BatchingSettings settings;
        if (snapshot.Batching.TryGetValue(Policy, out var policy))
        {
            settings = Defaults.With(policy);
        }
        else
        {
            store.ReportMissing("Batching", Policy);
            settings = Defaults;
        }

        // Keep the instance when nothing changed, so consumers comparing references see no change.
        if (last is not null && last.Settings.SameAs(settings))
        {
            settings = last.Settings;
        }

        Volatile.Write(ref _last, new Resolved<BatchingSettings>(snapshot, settings));
        return settings;
    }
}

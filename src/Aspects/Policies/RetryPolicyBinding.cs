using System.Runtime.CompilerServices;

namespace Aspects.Policies;

/// <summary>
/// Ties one <c>[Retry(Policy = ...)]</c> method to its named policy. Generated code keeps one per method in a
/// <c>static readonly</c> field and calls <see cref="Resolve"/> once per call that needs a retry.
/// </summary>
public sealed class RetryPolicyBinding
{
    private Resolved<RetrySettings>? _last;

    /// <summary>Creates the binding.</summary>
    /// <param name="policy">The policy name (<c>Aspects:Retry:{policy}</c>).</param>
    /// <param name="defaults">The attribute's values, used for whatever the policy leaves unset.</param>
    public RetryPolicyBinding(string policy, RetrySettings defaults)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        ArgumentNullException.ThrowIfNull(defaults);
        Policy = policy;
        Defaults = defaults;
    }

    /// <summary>The policy name.</summary>
    public string Policy { get; }

    /// <summary>The attribute's values.</summary>
    public RetrySettings Defaults { get; }

    /// <summary>
    /// The effective settings on <paramref name="runtime"/>: a field read and a reference comparison unless the
    /// runtime's policies changed since the last call, then merged once again.
    /// </summary>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <returns>The settings (the same instance until the policies change).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RetrySettings Resolve(AspectRuntime runtime)
    {
        var snapshot = runtime.PolicyStore.Current;
        var last = Volatile.Read(ref _last);
        return last is not null && ReferenceEquals(last.Snapshot, snapshot) ? last.Settings : ResolveSlow(runtime.PolicyStore, snapshot, last);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private RetrySettings ResolveSlow(PolicyStore store, PolicySnapshot snapshot, Resolved<RetrySettings>? last)
    {
        RetrySettings settings;
        if (snapshot.Retry.TryGetValue(Policy, out var policy))
        {
            settings = Defaults.With(policy);
        }
        else
        {
            store.ReportMissing("Retry", Policy);
            settings = Defaults;
        }

        // Keep the instance when nothing changed, so consumers comparing references see no change.
        if (last is not null && last.Settings.SameAs(settings))
        {
            settings = last.Settings;
        }

        Volatile.Write(ref _last, new Resolved<RetrySettings>(snapshot, settings));
        return settings;
    }
}

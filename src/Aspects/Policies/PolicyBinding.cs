using System.Runtime.CompilerServices;

namespace Aspects.Policies;

/// <summary>
/// Ties one method to its named policy in one configuration section. Generated code keeps one per method in a
/// <c>static readonly</c> field; <see cref="Resolve"/> merges the policy over the attribute's values.
/// </summary>
/// <typeparam name="TPolicy">The section's policy type: nullable overrides.</typeparam>
/// <typeparam name="TSettings">The effective, immutable settings.</typeparam>
public abstract class PolicyBinding<TPolicy, TSettings>
    where TPolicy : class
    where TSettings : class
{
    private Resolved<TSettings>? _last;

    private protected PolicyBinding(string policy, TSettings defaults)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        ArgumentNullException.ThrowIfNull(defaults);
        Policy = policy;
        Defaults = defaults;
    }

    /// <summary>The policy name.</summary>
    public string Policy { get; }

    /// <summary>The attribute's values, used for whatever the policy leaves unset.</summary>
    public TSettings Defaults { get; }

    /// <summary>The section's name in configuration (<c>Aspects:{Section}:{Policy}</c>).</summary>
    private protected abstract string Section { get; }

    /// <summary>
    /// The effective settings on <paramref name="runtime"/>: a field read and a reference comparison unless the
    /// runtime's policies changed since the last call, then merged once again.
    /// </summary>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <returns>The settings (the same instance until the policies change).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TSettings Resolve(AspectRuntime runtime) => ResolveWithSnapshot(runtime.PolicyStore).Settings;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Resolved<TSettings> ResolveWithSnapshot(PolicyStore store)
    {
        var snapshot = store.Current;
        var last = Volatile.Read(ref _last);
        return last is not null && ReferenceEquals(last.Snapshot, snapshot) ? last : ResolveSlow(store, snapshot, last);
    }

    /// <summary>The section's policies in <paramref name="snapshot"/>.</summary>
    private protected abstract Dictionary<string, TPolicy> PoliciesOf(PolicySnapshot snapshot);

    /// <summary>The defaults with <paramref name="policy"/>'s values laid over them.</summary>
    private protected abstract TSettings Merge(TPolicy policy);

    /// <summary>Whether two settings have the same values.</summary>
    private protected abstract bool Same(TSettings left, TSettings right);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Resolved<TSettings> ResolveSlow(PolicyStore store, PolicySnapshot snapshot, Resolved<TSettings>? last)
    {
        TSettings settings;
        if (PoliciesOf(snapshot).TryGetValue(Policy, out var policy))
        {
            settings = Merge(policy);
        }
        else
        {
            store.ReportMissing(Section, Policy);
            settings = Defaults;
        }

        // Keep an existing instance when nothing changed, so consumers comparing references see no change.
        if (last is not null && Same(last.Settings, settings))
        {
            settings = last.Settings;
        }
        else if (Same(settings, Defaults))
        {
            settings = Defaults;
        }

        var resolved = new Resolved<TSettings>(snapshot, settings);
        Volatile.Write(ref _last, resolved);
        return resolved;
    }
}

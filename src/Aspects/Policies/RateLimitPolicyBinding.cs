using System.Runtime.CompilerServices;
using Aspects.RateLimiting;

namespace Aspects.Policies;

/// <summary>
/// Ties one <c>[RateLimited(Policy = ...)]</c> method to its named policy. Generated code keeps one per method
/// in a <c>static readonly</c> field, gets its bucket with
/// <see cref="RateLimiterRegistry.GetOrCreate(string, RateLimitPolicyBinding, RateLimitScope)"/> (which applies a
/// changed rate or burst to the bucket) and takes permits with <see cref="AcquireAsync"/>.
/// </summary>
public sealed class RateLimitPolicyBinding
{
    private Resolved<RateLimitSettings>? _last;

    /// <summary>Creates the binding.</summary>
    /// <param name="policy">The policy name (<c>Aspects:RateLimits:{policy}</c>).</param>
    /// <param name="defaults">The attribute's values, used for whatever the policy leaves unset.</param>
    public RateLimitPolicyBinding(string policy, RateLimitSettings defaults)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        ArgumentNullException.ThrowIfNull(defaults);
        Policy = policy;
        Defaults = defaults;
    }

    /// <summary>The policy name.</summary>
    public string Policy { get; }

    /// <summary>The attribute's values.</summary>
    public RateLimitSettings Defaults { get; }

    /// <summary>The effective settings on <paramref name="runtime"/>; re-merged only after its policies changed.</summary>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <returns>The settings (the same instance until the policies change).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RateLimitSettings Resolve(AspectRuntime runtime) => ResolveWithSnapshot(runtime).Settings;

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Resolved<RateLimitSettings> ResolveWithSnapshot(AspectRuntime runtime)
    {
        var snapshot = runtime.PolicyStore.Current;
        var last = Volatile.Read(ref _last);
        return last is not null && ReferenceEquals(last.Snapshot, snapshot) ? last : ResolveSlow(runtime.PolicyStore, snapshot, last);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Resolved<RateLimitSettings> ResolveSlow(PolicyStore store, PolicySnapshot snapshot, Resolved<RateLimitSettings>? last)
    {
        RateLimitSettings settings;
        if (snapshot.RateLimits.TryGetValue(Policy, out var policy))
        {
            settings = Defaults.With(policy);
        }
        else
        {
            store.ReportMissing("RateLimits", Policy);
            settings = Defaults;
        }

        if (last is not null && last.Settings.SameAs(settings))
        {
            settings = last.Settings;
        }
        else if (settings.SameAs(Defaults))
        {
            settings = Defaults;
        }

        var resolved = new Resolved<RateLimitSettings>(snapshot, settings);
        Volatile.Write(ref _last, resolved);
        return resolved;
    }
}

using System.ComponentModel;
using Aspects.Policies;

namespace Aspects.RateLimiting;

/// <summary>
/// The bucket of one <c>[RateLimited]</c> method as compiled (a static field of the generated code): its name,
/// rate, burst and scope, or its policy binding. It remembers the limiter it resolved last, so the generated
/// wrapper finds its bucket with a field read and a reference comparison instead of a lookup by name.
/// </summary>
/// <remarks>
/// The remembered limiter is used only for the same <see cref="AspectRuntime"/> (and, with a policy, the same
/// policy snapshot: after a reload the next call goes through <see cref="RateLimiterRegistry"/> again, which
/// applies the new rate and burst). Almost every process has one runtime; with several, each call still gets its
/// own runtime's bucket.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RateLimitDefinition
{
    private readonly double _permitsPerSecond;
    private readonly int _burst;
    private readonly RateLimitPolicyBinding? _policy;
    private readonly RateLimitScope _scope;
    // A plain field: a reference is published whole, and a stale read only sends the caller to the slow path.
    private Resolved? _last;
    private ResolvedPartitions? _lastPartitions;

    /// <summary>A bucket with fixed values.</summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="permitsPerSecond">The sustained rate (validated when the bucket is created).</param>
    /// <param name="burst">The capacity (validated when the bucket is created).</param>
    /// <param name="scope">Local or distributed.</param>
    public RateLimitDefinition(string name, double permitsPerSecond, int burst, RateLimitScope scope)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _permitsPerSecond = permitsPerSecond;
        _burst = burst;
        _scope = scope;
    }

    /// <summary>A bucket whose values come from a named policy.</summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="policy">The method's policy binding.</param>
    /// <param name="scope">Local or distributed.</param>
    public RateLimitDefinition(string name, RateLimitPolicyBinding policy, RateLimitScope scope)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(policy);
        Name = name;
        _policy = policy;
        _scope = scope;
    }

    /// <summary>The bucket name.</summary>
    public string Name { get; }

    /// <summary>The limiter of this bucket in <paramref name="runtime"/> (created on first use).</summary>
    /// <param name="runtime">The runtime of the call.</param>
    /// <returns>The limiter.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names the setting.</exception>
    public AspectRateLimiter Limiter(AspectRuntime runtime)
    {
        var last = _last;
        return last is not null && ReferenceEquals(last.Runtime, runtime) && (_policy is null || ReferenceEquals(last.Snapshot, runtime.PolicyStore.Current))
            ? last.Limiter
            : Resolve(runtime);
    }

    /// <summary>
    /// The partitions of this bucket in <paramref name="runtime"/> (created on first use), for a method with a
    /// <see cref="RateLimitPartitionAttribute"/> parameter. Remembered like <see cref="Limiter"/>; with a policy the
    /// partitions apply a reloaded policy themselves, one partition at a time.
    /// </summary>
    /// <param name="runtime">The runtime of the call.</param>
    /// <returns>The partitions.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names the setting.</exception>
    public RateLimitPartitions Partitions(AspectRuntime runtime)
    {
        var last = _lastPartitions;
        if (last is not null && ReferenceEquals(last.Runtime, runtime))
        {
            return last.Partitions;
        }

        ArgumentNullException.ThrowIfNull(runtime);
        var partitions = _policy is null
            ? runtime.RateLimiters.GetOrCreatePartitions(Name, _permitsPerSecond, _burst, _scope)
            : runtime.RateLimiters.GetOrCreatePartitions(Name, _policy, _scope);
        _lastPartitions = new ResolvedPartitions(runtime, partitions);
        return partitions;
    }

    private AspectRateLimiter Resolve(AspectRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);

        // The snapshot is read before the registry applies it: a reload in between sends the next call here again.
        var snapshot = _policy is null ? null : runtime.PolicyStore.Current;
        var limiter = _policy is null
            ? runtime.RateLimiters.GetOrCreate(Name, _permitsPerSecond, _burst, _scope)
            : runtime.RateLimiters.GetOrCreate(Name, _policy, _scope);
        _last = new Resolved(runtime, snapshot, limiter);
        return limiter;
    }

    private sealed class Resolved(AspectRuntime runtime, object? snapshot, AspectRateLimiter limiter)
    {
        public AspectRuntime Runtime { get; } = runtime;

        public object? Snapshot { get; } = snapshot;

        public AspectRateLimiter Limiter { get; } = limiter;
    }

    private sealed class ResolvedPartitions(AspectRuntime runtime, RateLimitPartitions partitions)
    {
        public AspectRuntime Runtime { get; } = runtime;

        public RateLimitPartitions Partitions { get; } = partitions;
    }
}

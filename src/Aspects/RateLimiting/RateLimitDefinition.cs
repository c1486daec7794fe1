using System.ComponentModel;
using System.Runtime.CompilerServices;
using Aspects.Policies;

namespace Aspects.RateLimiting;

/// <summary>
/// The bucket of one <c>[RateLimited]</c> method as compiled (a static field of the generated code): its name, the
/// attribute's values as <see cref="RateLimitSettings"/>, its scope and, optionally, the named policy that overrides
/// those values at run time. The generated wrapper gets its bucket here (<see cref="Limiter"/> or
/// <see cref="Partitions"/>) and takes every permit through it (<see cref="AcquireAsync(AspectRateLimiter, AspectRuntime, CancellationToken)"/>),
/// with or without a policy.
/// </summary>
/// <remarks>
/// It remembers the limiter it resolved last, so the wrapper finds its bucket with a field read and a reference
/// comparison instead of a lookup by name. The remembered limiter is used only for the same <see cref="AspectRuntime"/>
/// (and, with a policy, the same policy snapshot: after a reload the next call goes through
/// <see cref="RateLimiterRegistry"/> again, which applies the new rate and burst). Almost every process has one
/// runtime; with several, each call still gets its own runtime's bucket. Without a policy, a permit costs one branch
/// more than calling the limiter with the values written out.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RateLimitDefinition
{
    private readonly RateLimitPolicyBinding? _policy;
    // A plain field: a reference is published whole, and a stale read only sends the caller to the slow path.
    private Resolved? _last;
    private ResolvedPartitions? _lastPartitions;

    /// <summary>A method's bucket.</summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="settings">The attribute's values (validated by their constructor).</param>
    /// <param name="scope">Local or distributed (validated when the bucket is created).</param>
    /// <param name="policy">
    /// The named policy (<c>Aspects:RateLimits:{policy}</c>) whose values override <paramref name="settings"/> at run
    /// time, or <see langword="null"/> for none.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="policy"/> is empty or white space.</exception>
    public RateLimitDefinition(string name, RateLimitSettings settings, RateLimitScope scope, string? policy = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(settings);
        Name = name;
        Settings = settings;
        Scope = scope;
        _policy = policy is null ? null : new RateLimitPolicyBinding(policy, settings);
    }

    /// <summary>The bucket name.</summary>
    public string Name { get; }

    /// <summary>The attribute's values: the effective ones without a policy, the defaults under one.</summary>
    public RateLimitSettings Settings { get; }

    /// <summary>Local or distributed, as compiled (a policy does not change it).</summary>
    public RateLimitScope Scope { get; }

    /// <summary>The policy name, or <see langword="null"/> without one.</summary>
    public string? Policy => _policy?.Policy;

    /// <summary>
    /// The effective settings on <paramref name="runtime"/>: <see cref="Settings"/> without a policy (no lookup),
    /// else the policy laid over them (a field read and a reference comparison until the policies change).
    /// </summary>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <returns>The settings.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RateLimitSettings Resolve(AspectRuntime runtime) => _policy is null ? Settings : _policy.Resolve(runtime);

    /// <summary>The limiter of this bucket in <paramref name="runtime"/> (created on first use).</summary>
    /// <param name="runtime">The runtime of the call.</param>
    /// <returns>The limiter.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names the setting.</exception>
    public AspectRateLimiter Limiter(AspectRuntime runtime)
    {
        var last = _last;
        return last is not null && ReferenceEquals(last.Runtime, runtime) && (_policy is null || ReferenceEquals(last.Snapshot, runtime.PolicyStore.Current))
            ? last.Limiter
            : FindLimiter(runtime);
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
            ? runtime.RateLimiters.GetOrCreatePartitions(Name, Settings.PermitsPerSecond, Settings.Burst, Scope)
            : runtime.RateLimiters.GetOrCreatePartitions(Name, _policy, Scope);
        _lastPartitions = new ResolvedPartitions(runtime, partitions);
        return partitions;
    }

    /// <summary>Takes one permit from <paramref name="limiter"/> with the effective mode and maximum wait.</summary>
    /// <param name="limiter">The method's bucket (from <see cref="Limiter"/>).</param>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the permit is taken.</returns>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask AcquireAsync(AspectRateLimiter limiter, AspectRuntime runtime, CancellationToken cancellationToken)
    {
        var settings = Resolve(runtime);
        return limiter.AcquireAsync(settings.Mode, settings.MaxWait, cancellationToken);
    }

    /// <summary>Takes one permit from <paramref name="limiter"/>, blocking while it waits; for synchronous methods.</summary>
    /// <param name="limiter">The method's bucket (from <see cref="Limiter"/>).</param>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Acquire(AspectRateLimiter limiter, AspectRuntime runtime, CancellationToken cancellationToken)
    {
        var settings = Resolve(runtime);
        limiter.Acquire(settings.Mode, settings.MaxWait, cancellationToken);
    }

    /// <summary>
    /// Takes one permit from the bucket of <paramref name="partition"/>: with a policy, the partition also takes the
    /// policy's rate and burst (a reloaded policy reaches each partition on its next call).
    /// </summary>
    /// <param name="partitions">The method's partitions (from <see cref="Partitions"/>).</param>
    /// <param name="partition">The partition key, as generated code formats it.</param>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the permit is taken.</returns>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait; its <c>RetryAfter</c> is the partition's.</exception>
    public ValueTask AcquireAsync(RateLimitPartitions partitions, string partition, AspectRuntime runtime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        return _policy is null
            ? partitions.AcquireAsync(partition, Settings.Mode, Settings.MaxWait, cancellationToken)
            : partitions.AcquireAsync(partition, _policy, runtime, cancellationToken);
    }

    /// <summary>The partitioned <see cref="AcquireAsync(RateLimitPartitions, string, AspectRuntime, CancellationToken)"/>, blocking while it waits.</summary>
    /// <param name="partitions">The method's partitions (from <see cref="Partitions"/>).</param>
    /// <param name="partition">The partition key, as generated code formats it.</param>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait; its <c>RetryAfter</c> is the partition's.</exception>
    public void Acquire(RateLimitPartitions partitions, string partition, AspectRuntime runtime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (_policy is null)
        {
            partitions.Acquire(partition, Settings.Mode, Settings.MaxWait, cancellationToken);
        }
        else
        {
            partitions.Acquire(partition, _policy, runtime, cancellationToken);
        }
    }

    private AspectRateLimiter FindLimiter(AspectRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);

        // The snapshot is read before the registry applies it: a reload in between sends the next call here again.
        var snapshot = _policy is null ? null : runtime.PolicyStore.Current;
        var limiter = _policy is null
            ? runtime.RateLimiters.GetOrCreate(Name, Settings.PermitsPerSecond, Settings.Burst, Scope)
            : runtime.RateLimiters.GetOrCreate(Name, _policy, Scope);
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

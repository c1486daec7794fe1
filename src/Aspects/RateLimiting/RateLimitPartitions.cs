using System.Collections.Concurrent;
using System.ComponentModel;
using Aspects.Policies;

namespace Aspects.RateLimiting;

/// <summary>
/// The buckets of one partitioned <c>[RateLimited]</c> method (a parameter marked
/// <see cref="RateLimitPartitionAttribute"/>) in one <see cref="AspectRuntime"/>: one bucket per partition key,
/// created on first use with the method's rate and burst (or its policy's), and dropped once idle.
/// </summary>
/// <remarks>
/// <para>
/// Modelled on <c>System.Threading.RateLimiting.PartitionedRateLimiter</c>, which also creates a limiter per key
/// and drops idle ones (on a timer, after <c>IdleDuration</c>). Here there is no timer: when the number of
/// partitions reaches a threshold, the call that adds one sweeps them; the threshold is then twice the partitions
/// still in use (at least <see cref="MinSweepThreshold"/>), so sweeping costs O(1) per new partition on average and
/// the partitions kept are at most max(<see cref="MinSweepThreshold"/>, 2 × those in use) plus the ones added since.
/// </para>
/// <para>
/// What is idle: an in-process bucket that is full (its <see cref="System.Threading.RateLimiting.RateLimiter.IdleDuration"/>
/// is not null): it holds exactly what a new bucket holds, so dropping it never admits more than the limit. A
/// bucket a caller is using at that moment is never dropped (each acquisition enters its partition, and the sweep
/// retires only partitions nobody is in). A distributed bucket keeps its state in the store, so its local object
/// is dropped when no call used it since the previous sweep. A bucket that is not full is kept: forgetting it would
/// forget the permits it already handed out.
/// </para>
/// <para>
/// Cost on top of the bucket: one dictionary lookup by the partition key (a string formatted by generated code)
/// and two interlocked operations to enter and leave the partition.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RateLimitPartitions
{
    /// <summary>Below this many partitions no sweep runs.</summary>
    public const int MinSweepThreshold = 1024;

    private readonly RateLimiterRegistry _registry;
    // Whether the buckets live in the distributed store (the registry's rule for the method's scope).
    private readonly bool _remoteState;
    private readonly double _permitsPerSecond;
    private readonly int _burst;
    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly Lock _sweeping = new();
    private int _count;
    private int _sweepAt = MinSweepThreshold;

    internal RateLimitPartitions(RateLimiterRegistry registry, string name, double permitsPerSecond, int burst, bool remoteState)
    {
        _registry = registry;
        Name = name;
        _permitsPerSecond = permitsPerSecond;
        _burst = burst;
        _remoteState = remoteState;
    }

    /// <summary>The method's bucket name: the limiter name of every partition (in metrics, traces, logs and rejections).</summary>
    public string Name { get; }

    /// <summary>How many partitions are held now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Takes one permit from the bucket of <paramref name="partition"/>, with the rules of
    /// <see cref="AspectRateLimiter.AcquireAsync(RateLimitMode, TimeSpan, CancellationToken)"/>.
    /// </summary>
    /// <param name="partition">The partition key, as generated code formats it.</param>
    /// <param name="mode">Wait or reject when the partition has no permit.</param>
    /// <param name="maxWait">The longest wait in <see cref="RateLimitMode.Wait"/> mode.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the permit is taken.</returns>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait; its <c>RetryAfter</c> is the partition's.</exception>
    public ValueTask AcquireAsync(string partition, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken) =>
        Take(partition, _permitsPerSecond, _burst, null, null, mode, maxWait, cancellationToken);

    /// <summary>Takes one permit from the bucket of <paramref name="partition"/>, blocking while it waits (synchronous methods).</summary>
    /// <param name="partition">The partition key, as generated code formats it.</param>
    /// <param name="mode">Wait or reject when the partition has no permit.</param>
    /// <param name="maxWait">The longest wait in <see cref="RateLimitMode.Wait"/> mode.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait; its <c>RetryAfter</c> is the partition's.</exception>
    public void Acquire(string partition, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken) =>
        Wait(AcquireAsync(partition, mode, maxWait, cancellationToken));

    /// <summary>
    /// Takes one permit from the bucket of <paramref name="partition"/> with the rate, burst, mode and wait of the
    /// method's policy: each partition gets the policy's values, and a reloaded policy reaches each partition on its
    /// next call.
    /// </summary>
    /// <param name="partition">The partition key, as generated code formats it.</param>
    /// <param name="policy">The method's policy binding.</param>
    /// <param name="runtime">The runtime of the call (its policies).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the permit is taken.</returns>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait; its <c>RetryAfter</c> is the partition's.</exception>
    internal ValueTask AcquireAsync(string partition, RateLimitPolicyBinding policy, AspectRuntime runtime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var resolved = policy.ResolveWithSnapshot(runtime.PolicyStore);
        var settings = resolved.Settings;
        return Take(partition, settings.PermitsPerSecond, settings.Burst, policy, resolved.Snapshot, settings.Mode, settings.MaxWait, cancellationToken);
    }

    /// <summary>The policy-bound <see cref="AcquireAsync(string, RateLimitPolicyBinding, AspectRuntime, CancellationToken)"/>, blocking while it waits.</summary>
    /// <param name="partition">The partition key, as generated code formats it.</param>
    /// <param name="policy">The method's policy binding.</param>
    /// <param name="runtime">The runtime of the call (its policies).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait; its <c>RetryAfter</c> is the partition's.</exception>
    internal void Acquire(string partition, RateLimitPolicyBinding policy, AspectRuntime runtime, CancellationToken cancellationToken) =>
        Wait(AcquireAsync(partition, policy, runtime, cancellationToken));

    private static void Wait(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            // As AspectRateLimiter.Acquire: waits complete on timer callbacks, never on this thread.
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    // policy, snapshot: the binding and the policies the values come from (null without a policy).
    private ValueTask Take(
        string partition, double permitsPerSecond, int burst, RateLimitPolicyBinding? policy, object? snapshot,
        RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var spin = default(SpinWait);
        while (true)
        {
            if (!_partitions.TryGetValue(partition, out var entry))
            {
                entry = Add(partition, permitsPerSecond, burst, snapshot);
            }

            if (!entry.TryEnter())
            {
                spin.SpinOnce(); // Being swept: it is gone or back in a moment.
                continue;
            }

            try
            {
                if (policy is not null)
                {
                    _registry.Apply(entry, permitsPerSecond, burst, policy, snapshot!);
                }

                // Read only by the sweep of Redis partitions (IsIdle): local buckets skip the shared write.
                if (_remoteState)
                {
                    entry.Used = true;
                }

                // The permit (or the waiter's reservation) is taken before this returns, so once the caller has
                // left the partition, the bucket's state already counts it.
                return entry.Limiter.AcquireAsync(mode, maxWait, cancellationToken);
            }
            finally
            {
                entry.Exit();
            }
        }
    }

    private Partition Add(string partition, double permitsPerSecond, int burst, object? snapshot)
    {
        var created = new Partition(_registry.CreatePartitionLimiter(Name, partition, permitsPerSecond, burst, _remoteState)) { AppliedSnapshot = snapshot };
        while (true)
        {
            if (_partitions.TryAdd(partition, created))
            {
                if (Interlocked.Increment(ref _count) >= Volatile.Read(ref _sweepAt))
                {
                    Sweep();
                }

                return created;
            }

            if (_partitions.TryGetValue(partition, out var existing))
            {
                return existing;
            }
        }
    }

    /// <summary>Drops the idle partitions (see the remarks); one sweep at a time, others skip it.</summary>
    private void Sweep()
    {
        if (!_sweeping.TryEnter())
        {
            return;
        }

        try
        {
            foreach (var (key, entry) in _partitions)
            {
                // Retire first, then look: nobody can take a permit from a retired partition, so an idle bucket
                // stays idle until it is removed.
                if (!entry.TryRetire())
                {
                    continue;
                }

                if (IsIdle(entry) && _partitions.TryRemove(new KeyValuePair<string, Partition>(key, entry)))
                {
                    Interlocked.Decrement(ref _count);
                }
                else
                {
                    entry.Used = false;
                    entry.Reinstate();
                }
            }

            Volatile.Write(ref _sweepAt, Math.Max(MinSweepThreshold, 2 * Volatile.Read(ref _count)));
        }
        finally
        {
            _sweeping.Exit();
        }
    }

    private bool IsIdle(Partition entry) => _remoteState ? !entry.Used : entry.Limiter.IdleDuration is not null;

    private sealed class Partition(AspectRateLimiter limiter) : RateLimiterRegistry.Bucket(limiter)
    {
        // Callers inside (taking a permit); -1 once retired by a sweep.
        private int _users;

        // Whether a call used the partition since the last sweep (distributed buckets).
        public bool Used { get; set; }

        public bool TryEnter()
        {
            var users = Volatile.Read(ref _users);
            while (users >= 0)
            {
                var seen = Interlocked.CompareExchange(ref _users, users + 1, users);
                if (seen == users)
                {
                    return true;
                }

                users = seen;
            }

            return false;
        }

        public void Exit() => Interlocked.Decrement(ref _users);

        public bool TryRetire() => Interlocked.CompareExchange(ref _users, -1, 0) == 0;

        public void Reinstate() => Volatile.Write(ref _users, 0);
    }
}

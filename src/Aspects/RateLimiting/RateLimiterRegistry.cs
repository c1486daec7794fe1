using System.Collections.Concurrent;
using Aspects.Policies;
using Microsoft.Extensions.Logging;

namespace Aspects.RateLimiting;

/// <summary>
/// The rate limiters of one <see cref="AspectRuntime"/>, by bucket name (<see cref="AspectRuntime.RateLimiters"/>).
/// Generated <c>[RateLimited]</c> wrappers get their bucket here.
/// </summary>
public sealed class RateLimiterRegistry
{
    /// <summary>The highest accepted <c>PermitsPerSecond</c> (one billion).</summary>
    public const double MaxPermitsPerSecond = 1e9;

    private readonly AspectRuntime _runtime;
    private readonly IDistributedRateLimiterFactory? _distributed;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimitPartitions> _partitioned = new(StringComparer.Ordinal);
    private readonly Lock _creating = new();

    internal RateLimiterRegistry(AspectRuntime runtime, IDistributedRateLimiterFactory? distributed)
    {
        _runtime = runtime;
        _distributed = distributed;
        _logger = runtime.LoggerFactory.CreateLogger(RateLimitLog.Category);
    }

    /// <summary>
    /// The limiter of bucket <paramref name="name"/>, created on first use. The same name always gives the
    /// same instance: the first definition wins, and a later call with different values is logged once as
    /// a warning.
    /// </summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="permitsPerSecond">The sustained rate: greater than 0, at most <see cref="MaxPermitsPerSecond"/>.</param>
    /// <param name="burst">The capacity: at least 1.</param>
    /// <param name="scope">
    /// <see cref="RateLimitScope.Distributed"/> uses <see cref="AspectRuntimeOptions.DistributedRateLimiters"/>;
    /// without one it logs a warning and uses a local bucket.
    /// </param>
    /// <returns>The limiter.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names the setting.</exception>
    public AspectRateLimiter GetOrCreate(string name, double permitsPerSecond, int burst, RateLimitScope scope)
    {
        Validate(name, permitsPerSecond, burst);
        if (scope is not (RateLimitScope.Local or RateLimitScope.Distributed))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, $"Scope of rate limiter '{name}' must be Local or Distributed.");
        }

        if (!_entries.TryGetValue(name, out var entry))
        {
            entry = Create(name, permitsPerSecond, burst, scope);
        }

        if (!entry.Matches(permitsPerSecond, burst, scope) && entry.FirstMismatch())
        {
            RateLimitLog.DefinitionMismatch(
                _logger, name, permitsPerSecond, burst, scope, entry.Limiter.PermitsPerSecond, entry.Limiter.Burst, entry.Scope);
        }

        return entry.Limiter;
    }

    /// <summary>
    /// The limiter of bucket <paramref name="name"/> for a <c>[RateLimited(Policy = ...)]</c> method, created on
    /// first use with the policy's effective rate and burst. After the runtime's policies change, the first call
    /// applies the new rate and burst to the bucket (see <see cref="AspectRateLimiter.Reconfigure"/>).
    /// </summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="policy">The method's policy binding (a static field of the generated code).</param>
    /// <param name="scope">Local or distributed, as compiled.</param>
    /// <returns>The limiter.</returns>
    public AspectRateLimiter GetOrCreate(string name, RateLimitPolicyBinding policy, RateLimitScope scope)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var resolved = policy.ResolveWithSnapshot(_runtime.PolicyStore);
        if (!_entries.TryGetValue(name, out var entry))
        {
            GetOrCreate(name, resolved.Settings.PermitsPerSecond, resolved.Settings.Burst, scope);
            entry = _entries[name];
        }

        if (!ReferenceEquals(entry.AppliedSnapshot, resolved.Snapshot))
        {
            Apply(entry, policy, resolved);
        }

        return entry.Limiter;
    }

    /// <summary>
    /// The partitions of bucket <paramref name="name"/> for a method with a <see cref="RateLimitPartitionAttribute"/>
    /// parameter, created on first use: each partition is a bucket of <paramref name="permitsPerSecond"/> and
    /// <paramref name="burst"/>. The same name always gives the same instance (the first definition wins).
    /// </summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="permitsPerSecond">The sustained rate of each partition: greater than 0, at most <see cref="MaxPermitsPerSecond"/>.</param>
    /// <param name="burst">The capacity of each partition: at least 1.</param>
    /// <param name="scope">
    /// <see cref="RateLimitScope.Distributed"/> makes each partition a bucket of
    /// <see cref="AspectRuntimeOptions.DistributedRateLimiters"/>; without one it logs a warning and uses local buckets.
    /// </param>
    /// <returns>The partitions.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names the setting.</exception>
    public RateLimitPartitions GetOrCreatePartitions(string name, double permitsPerSecond, int burst, RateLimitScope scope)
    {
        Validate(name, permitsPerSecond, burst);
        if (scope is not (RateLimitScope.Local or RateLimitScope.Distributed))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, $"Scope of rate limiter '{name}' must be Local or Distributed.");
        }

        if (_partitioned.TryGetValue(name, out var partitions))
        {
            return partitions;
        }

        lock (_creating)
        {
            if (!_partitioned.TryGetValue(name, out partitions))
            {
                if (scope == RateLimitScope.Distributed && _distributed is null)
                {
                    RateLimitLog.DistributedWithoutFactory(_logger, name);
                }

                partitions = new RateLimitPartitions(this, name, permitsPerSecond, burst, scope, remoteState: scope == RateLimitScope.Distributed && _distributed is not null);
                _partitioned[name] = partitions;
            }

            return partitions;
        }
    }

    /// <summary>
    /// The partitions of bucket <paramref name="name"/> for a partitioned <c>[RateLimited(Policy = ...)]</c> method:
    /// each partition takes the policy's rate and burst (see <see cref="RateLimitPartitions.AcquireAsync(string, RateLimitPolicyBinding, AspectRuntime, CancellationToken)"/>).
    /// </summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="policy">The method's policy binding.</param>
    /// <param name="scope">Local or distributed, as compiled.</param>
    /// <returns>The partitions.</returns>
    public RateLimitPartitions GetOrCreatePartitions(string name, RateLimitPolicyBinding policy, RateLimitScope scope)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var settings = policy.ResolveWithSnapshot(_runtime.PolicyStore).Settings;
        return GetOrCreatePartitions(name, settings.PermitsPerSecond, settings.Burst, scope);
    }

    // The bucket of one partition: named after the method's bucket (metrics, logs and rejections never carry the
    // partition), keyed by the partition in a distributed store.
    internal AspectRateLimiter CreatePartitionLimiter(string name, string partition, double permitsPerSecond, int burst, RateLimitScope scope) =>
        scope == RateLimitScope.Distributed && _distributed is not null
            ? _distributed.CreatePartition(name, partition, permitsPerSecond, burst, _runtime)
            : new TokenBucket(name, permitsPerSecond, burst, _runtime.TimeProvider);

    // A limiter from a distributed factory may keep its values until a restart.
    internal void ReportNotReconfigurable(AspectRateLimiter limiter, RateLimitPolicyBinding policy) =>
        PolicyLog.LimiterNotReconfigurable(_logger, limiter.Name, policy.Policy);

    internal static void Validate(string name, double permitsPerSecond, int burst)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!(permitsPerSecond > 0 && permitsPerSecond <= MaxPermitsPerSecond))
        {
            throw new ArgumentOutOfRangeException(
                nameof(permitsPerSecond), permitsPerSecond,
                $"PermitsPerSecond of rate limiter '{name}' must be greater than 0 and at most {MaxPermitsPerSecond:0}.");
        }

        if (burst < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(burst), burst, $"Burst of rate limiter '{name}' must be at least 1.");
        }
    }

    // Once per bucket and policy change: the first call after a reload moves the bucket to the new values.
    private void Apply(Entry entry, RateLimitPolicyBinding policy, Resolved<RateLimitSettings> resolved)
    {
        lock (entry)
        {
            if (ReferenceEquals(entry.AppliedSnapshot, resolved.Snapshot))
            {
                return;
            }

            var settings = resolved.Settings;
            var limiter = entry.Limiter;
            if ((settings.PermitsPerSecond != limiter.PermitsPerSecond || settings.Burst != limiter.Burst)
                && !limiter.Reconfigure(settings.PermitsPerSecond, settings.Burst))
            {
                ReportNotReconfigurable(limiter, policy);
            }

            entry.AppliedSnapshot = resolved.Snapshot;
        }
    }

    private Entry Create(string name, double permitsPerSecond, int burst, RateLimitScope scope)
    {
        // Creation is rare and a distributed factory may open resources, so it happens once under a lock.
        lock (_creating)
        {
            if (_entries.TryGetValue(name, out var existing))
            {
                return existing;
            }

            AspectRateLimiter limiter;
            if (scope == RateLimitScope.Distributed && _distributed is not null)
            {
                limiter = _distributed.Create(name, permitsPerSecond, burst, _runtime);
            }
            else
            {
                if (scope == RateLimitScope.Distributed)
                {
                    RateLimitLog.DistributedWithoutFactory(_logger, name);
                }

                limiter = new TokenBucket(name, permitsPerSecond, burst, _runtime.TimeProvider);
            }

            var entry = new Entry(limiter, scope);
            _entries[name] = entry;
            return entry;
        }
    }

    // The rate and burst in force are the limiter's own (Reconfigure changes them only when it applies them).
    private sealed class Entry(AspectRateLimiter limiter, RateLimitScope scope)
    {
        private int _mismatchLogged;

        public AspectRateLimiter Limiter { get; } = limiter;

        // The policies the bucket's values were last taken from (policy-bound buckets only).
        public object? AppliedSnapshot { get; set; }

        public RateLimitScope Scope { get; } = scope;

        public bool Matches(double permitsPerSecond, int burst, RateLimitScope scope) =>
            permitsPerSecond == Limiter.PermitsPerSecond && burst == Limiter.Burst && scope == Scope;

        public bool FirstMismatch() => Interlocked.Exchange(ref _mismatchLogged, 1) == 0;
    }
}

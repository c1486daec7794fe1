using System.Collections.Concurrent;
using Aspects.Policies;
using Aspects.Rules;
using Microsoft.Extensions.Logging;

namespace Aspects.RateLimiting;

/// <summary>
/// The rate limiters of one <see cref="AspectRuntime"/>, by bucket name (<see cref="AspectRuntime.RateLimiters"/>).
/// Generated <c>[RateLimited]</c> wrappers get their bucket here.
/// </summary>
public sealed class RateLimiterRegistry
{
    /// <summary>The highest accepted <c>PermitsPerSecond</c> (one billion).</summary>
    public const double MaxPermitsPerSecond = RateLimitRules.MaxPermitsPerSecond;

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
        Validate(name, permitsPerSecond, burst, scope);
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
    /// <param name="policy">The method's policy binding (held by its <see cref="RateLimitDefinition"/>).</param>
    /// <param name="scope">Local or distributed, as compiled.</param>
    /// <returns>The limiter.</returns>
    internal AspectRateLimiter GetOrCreate(string name, RateLimitPolicyBinding policy, RateLimitScope scope)
    {
        var resolved = policy.ResolveWithSnapshot(_runtime.PolicyStore);
        var settings = resolved.Settings;
        if (!_entries.TryGetValue(name, out var entry))
        {
            GetOrCreate(name, settings.PermitsPerSecond, settings.Burst, scope);
            entry = _entries[name];
        }

        Apply(entry, settings.PermitsPerSecond, settings.Burst, policy, resolved.Snapshot);
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
        Validate(name, permitsPerSecond, burst, scope);
        if (_partitioned.TryGetValue(name, out var partitions))
        {
            return partitions;
        }

        lock (_creating)
        {
            if (!_partitioned.TryGetValue(name, out partitions))
            {
                partitions = new RateLimitPartitions(this, name, permitsPerSecond, burst, UseDistributed(name, scope));
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
    internal RateLimitPartitions GetOrCreatePartitions(string name, RateLimitPolicyBinding policy, RateLimitScope scope)
    {
        var settings = policy.ResolveWithSnapshot(_runtime.PolicyStore).Settings;
        return GetOrCreatePartitions(name, settings.PermitsPerSecond, settings.Burst, scope);
    }

    // The bucket of one partition: named after the method's bucket (metrics, logs and rejections never carry the
    // partition), keyed by the partition in a distributed store.
    internal AspectRateLimiter CreatePartitionLimiter(string name, string partition, double permitsPerSecond, int burst, bool distributed) =>
        distributed
            ? _distributed!.CreatePartition(name, partition, permitsPerSecond, burst, _runtime)
            : new TokenBucket(name, permitsPerSecond, burst, _runtime.TimeProvider);

    /// <summary>Throws unless the values make a bucket; the message names the setting, the bucket and why.</summary>
    internal static void Validate(string name, double permitsPerSecond, int burst)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (RateLimitRules.CheckPermitsPerSecond(permitsPerSecond) is { } rateWhy)
        {
            PolicyRules.ThrowIfInvalid(rateWhy, nameof(permitsPerSecond), $"{RateLimitRules.PermitsPerSecond} of rate limiter '{name}'", permitsPerSecond);
        }

        if (RateLimitRules.CheckEffectiveBurst(burst) is { } burstWhy)
        {
            PolicyRules.ThrowIfInvalid(burstWhy, nameof(burst), $"{RateLimitRules.Burst} of rate limiter '{name}'", burst);
        }
    }

    private static void Validate(string name, double permitsPerSecond, int burst, RateLimitScope scope)
    {
        Validate(name, permitsPerSecond, burst);
        if (RateLimitRules.CheckScope((int)scope) is { } why)
        {
            PolicyRules.ThrowIfInvalid(why, nameof(scope), $"{RateLimitRules.Scope} of rate limiter '{name}'", scope);
        }
    }

    /// <summary>
    /// Once per bucket and policy change: the first call after a reload moves the bucket (a method's, or one of its
    /// partitions) to the policy's rate and burst, keeping the permits it holds; a limiter that cannot change is
    /// reported and keeps its values.
    /// </summary>
    internal void Apply(Bucket bucket, double permitsPerSecond, int burst, RateLimitPolicyBinding policy, object snapshot)
    {
        if (ReferenceEquals(bucket.AppliedSnapshot, snapshot))
        {
            return;
        }

        lock (bucket)
        {
            if (ReferenceEquals(bucket.AppliedSnapshot, snapshot))
            {
                return;
            }

            var limiter = bucket.Limiter;
            if ((permitsPerSecond != limiter.PermitsPerSecond || burst != limiter.Burst) && !limiter.Reconfigure(permitsPerSecond, burst))
            {
                // A limiter from a distributed factory may keep its values until a restart.
                PolicyLog.LimiterNotReconfigurable(_logger, limiter.Name, policy.Policy);
            }

            bucket.AppliedSnapshot = snapshot;
        }
    }

    /// <summary>Whether a bucket of <paramref name="scope"/> lives in the distributed store; a distributed one without a store is logged and local.</summary>
    private bool UseDistributed(string name, RateLimitScope scope)
    {
        if (scope != RateLimitScope.Distributed)
        {
            return false;
        }

        if (_distributed is null)
        {
            RateLimitLog.DistributedWithoutFactory(_logger, name);
            return false;
        }

        return true;
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

            var limiter = UseDistributed(name, scope)
                ? _distributed!.Create(name, permitsPerSecond, burst, _runtime)
                : new TokenBucket(name, permitsPerSecond, burst, _runtime.TimeProvider);
            var entry = new Entry(limiter, scope);
            _entries[name] = entry;
            return entry;
        }
    }

    /// <summary>A bucket and the policies its values were last taken from (policy-bound buckets only).</summary>
    internal class Bucket(AspectRateLimiter limiter)
    {
        public AspectRateLimiter Limiter { get; } = limiter;

        public object? AppliedSnapshot { get; set; }
    }

    private sealed class Entry(AspectRateLimiter limiter, RateLimitScope scope) : Bucket(limiter)
    {
        private int _mismatchLogged;

        public RateLimitScope Scope { get; } = scope;

        public bool Matches(double permitsPerSecond, int burst, RateLimitScope scope) =>
            permitsPerSecond == Limiter.PermitsPerSecond && burst == Limiter.Burst && scope == Scope;

        public bool FirstMismatch() => Interlocked.Exchange(ref _mismatchLogged, 1) == 0;
    }
}

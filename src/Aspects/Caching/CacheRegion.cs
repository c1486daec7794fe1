using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Aspects.Telemetry;

namespace Aspects.Caching;

/// <summary>
/// The cache of one <see cref="CachedAttribute"/> method in one runtime: a bounded in-process tier (L1)
/// typed by the method's key and result, in front of the runtime's L2. Get it from
/// <see cref="TieredCache.Region{TKey, TValue}"/>.
/// </summary>
/// <typeparam name="TKey">The key parameter, or a value tuple of the key parameters.</typeparam>
/// <typeparam name="TValue">The method's result type.</typeparam>
/// <remarks>
/// <para>
/// L1 keeps the completed <see cref="Task{TResult}"/> of each result, so a hit hands back the same task
/// instance without allocating. An entry lives <see cref="Policies.CacheSettings.LocalDuration"/> when an L2
/// exists (then the L2 is asked again), never past the expiry of the L2 entry it mirrors, and
/// <see cref="Policies.CacheSettings.Duration"/> otherwise, measured on <see cref="AspectRuntime.TimeProvider"/>.
/// How L2 entries and evictions stay right across nodes: <c>CacheRegion.L2.cs</c> and docs/caching.md#guarantees. When an insert takes the region past
/// <see cref="CacheOptions.MaxLocalEntriesPerMethod"/>, expired entries go first, then the oldest ones,
/// down to 90% of the limit.
/// </para>
/// <para>
/// Misses for one key share one run of the body per process. The body's token is cancelled only when
/// every caller waiting for it has cancelled; a caller that cancels stops waiting at once and the others
/// keep waiting. <see langword="null"/> results are cached; exceptions and cancellations are not.
/// </para>
/// </remarks>
public sealed partial class CacheRegion<TKey, TValue> : ICacheRegion
    where TKey : notnull
{
    private readonly TimeProvider _time;

    // On the system clock expiry times are CoarseClock milliseconds (a field read per hit instead of a
    // clock read); on any other TimeProvider (a FakeTimeProvider in tests) they are its exact timestamps.
    private readonly bool _coarseClock;
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly ConcurrentDictionary<TKey, Flight> _flights = new();
    private readonly long _localLifetime;
    private readonly int _maxEntries;
    private readonly KeyValuePair<string, object?> _methodTag;
    private readonly string _spanName;
    private readonly Lock _sweepLock = new();
    private int _count;
    private long _sequence;
    private PolicyLifetimes? _policyLifetimes;

    internal CacheRegion(TieredCache cache, CacheDefinition definition)
    {
        Cache = cache;
        _time = cache.TimeProvider;
        _coarseClock = ReferenceEquals(_time, TimeProvider.System);
        Definition = definition;
        _maxEntries = cache.MaxLocalEntries;
        _methodTag = CacheTelemetry.Method(definition.MethodName);
        _spanName = CacheTelemetry.SpanNamePrefix + definition.MethodName;

        _localLifetime = LocalLifetime(definition.Settings);
        NoteDuration(definition.Settings.Duration);
        if (cache.Distributed is not null)
        {
            _tagRecordKeys = new string[definition.TagArray.Length];
            for (var i = 0; i < _tagRecordKeys.Length; i++)
            {
                _tagRecordKeys[i] = cache.TagRecordKey(definition.TagArray[i]);
            }

            L2EntrySerializers.Register<TValue>();
        }
    }

    /// <summary>The method this region caches.</summary>
    public CacheDefinition Definition { get; }

    /// <summary>How many entries L1 holds now (expired ones that were not swept yet included).</summary>
    public int LocalCount => Volatile.Read(ref _count);

    // Read by TieredCache.Region's fast path, so a region remembered on a definition is only reused by its own cache.
    internal TieredCache Cache { get; }

    /// <summary>
    /// Looks <paramref name="key"/> up in L1 only. A hit returns the cached, completed task instance and
    /// allocates nothing.
    /// </summary>
    /// <param name="key">The key arguments.</param>
    /// <param name="value">The completed task of the cached result, when found.</param>
    /// <returns><see langword="true"/> when L1 has an unexpired result.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetLocal(TKey key, [MaybeNullWhen(false)] out Task<TValue> value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if ((_coarseClock ? CoarseClock.Milliseconds : _time.GetTimestamp()) < entry.ExpiresAt)
            {
                if (CacheTelemetry.Requests.Enabled)
                {
                    RecordLocalHit();
                }

                value = entry.Task;
                return true;
            }

            RemoveEntry(key, entry);
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Returns the cached result for <paramref name="key"/>, or produces it: concurrent callers for one key
    /// share one attempt per process, which asks the L2 (when there is one) and runs
    /// <paramref name="factory"/> on an L2 miss. The result goes to L1 and L2; an exception goes only to
    /// the callers waiting for that attempt.
    /// </summary>
    /// <typeparam name="TState">What <paramref name="factory"/> needs (the instance and the arguments), so it can be static.</typeparam>
    /// <param name="key">The key arguments.</param>
    /// <param name="state">Passed to <paramref name="factory"/>.</param>
    /// <param name="l2Key">Builds the key's string form (with <see cref="CacheKeyBuilder"/>); called only when an L2 or a backplane exists.</param>
    /// <param name="factory">Runs the method body.</param>
    /// <param name="cancellationToken">
    /// Ends this caller's wait. The body's token is cancelled only when all callers waiting for it have cancelled.
    /// </param>
    /// <returns>The result.</returns>
    /// <remarks>L2 failures never fail the call: they are logged, counted, and the body runs.</remarks>
    public Task<TValue> GetOrCreateAsync<TState>(
        TKey key,
        TState state,
        Func<TKey, string> l2Key,
        Func<TState, TKey, CancellationToken, Task<TValue>> factory,
        CancellationToken cancellationToken)
    {
        if (TryGetLocal(key, out var cached))
        {
            return cached;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TValue>(cancellationToken);
        }

        if (CacheTelemetry.Requests.Enabled)
        {
            CacheTelemetry.Requests.Add(1, _methodTag, CacheTelemetry.TierL1, CacheTelemetry.Miss);
        }

        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                if (running.TryJoin())
                {
                    return running.WaitAsync(cancellationToken);
                }

                // Every caller of that attempt gave up and its body was cancelled: start afresh.
                var replacement = NewFlight(key, l2Key);
                if (_flights.TryUpdate(key, replacement, running))
                {
                    return Start(replacement, key, state, factory, cancellationToken);
                }

                continue;
            }

            var flight = NewFlight(key, l2Key);
            if (_flights.TryAdd(key, flight))
            {
                return Start(flight, key, state, factory, cancellationToken);
            }
        }
    }

    // Without an L2 the local copy is the only one, so it lives for the whole duration.
    private long LocalLifetime(Policies.CacheSettings settings) =>
        ToLocalTicks((Cache.Distributed is null ? settings.Duration : settings.LocalDuration).TotalSeconds);

    // L1 expiry times are CoarseClock milliseconds or TimeProvider timestamps (see _coarseClock).
    private long ToLocalTicks(double seconds) =>
        (long)Math.Min(seconds * (_coarseClock ? 1000d : _time.TimestampFrequency), long.MaxValue / 2);

    // A definition with a policy takes its lifetimes from it at every write, so a reload applies to entries
    // written afterwards; null while they are the definition's own. Recomputed only when the resolved settings change.
    private PolicyLifetimes? CurrentPolicyLifetimes()
    {
        var settings = Definition.Resolve(Cache.Policies);
        if (ReferenceEquals(settings, Definition.Settings))
        {
            return null;
        }

        var current = Volatile.Read(ref _policyLifetimes);
        if (current is null || !ReferenceEquals(current.Settings, settings))
        {
            current = new PolicyLifetimes(settings, LocalLifetime(settings));
            Volatile.Write(ref _policyLifetimes, current);
            NoteDuration(settings.Duration);
        }

        return current;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordLocalHit() => CacheTelemetry.Requests.Add(1, _methodTag, CacheTelemetry.TierL1, CacheTelemetry.Hit);

    // The exact time for stores and sweeps (rare), so an entry's lifetime is never shortened by the coarse clock's lag.
    private long PreciseNow() => _coarseClock ? Environment.TickCount64 : _time.GetTimestamp();

    private Flight NewFlight(TKey key, Func<TKey, string> l2Key) => new(Cache.NeedsStringKeys ? Cache.QualifyKey(l2Key(key)) : null);

    private Task<TValue> Start<TState>(
        Flight flight, TKey key, TState state, Func<TState, TKey, CancellationToken, Task<TValue>> factory, CancellationToken cancellationToken)
    {
        if (TryFinishFromStored(flight, key, out var stored))
        {
            return stored;
        }

        _ = RunAsync(flight, key, state, factory);
        return flight.WaitAsync(cancellationToken);
    }

    // A previous attempt may have stored its result between our L1 miss and our registration.
    private bool TryFinishFromStored(Flight flight, TKey key, [NotNullWhen(true)] out Task<TValue>? stored)
    {
        if (_entries.TryGetValue(key, out var entry) && PreciseNow() < entry.ExpiresAt)
        {
            flight.Completion.TrySetResult(entry.Task.Result);
            _flights.TryRemove(new KeyValuePair<TKey, Flight>(key, flight));
            stored = entry.Task;
            return true;
        }

        stored = null;
        return false;
    }

    // When a value computed from now stops being valid (Unix ms).
    private long ValueExpiresAt() =>
        UnixMilliseconds() + (long)(CurrentPolicyLifetimes()?.Settings ?? Definition.Settings).Duration.TotalMilliseconds;

    private async Task RunAsync<TState>(Flight flight, TKey key, TState state, Func<TState, TKey, CancellationToken, Task<TValue>> factory)
    {
        // One span per shared attempt (not per caller), only when someone listens; the body's own spans nest under it.
        using var activity = AspectsTelemetry.ActivitySource.HasListeners() ? StartActivity() : null;
        flight.ExpiresAt = ValueExpiresAt();
        try
        {
            var value = Cache.Distributed is { } l2
                ? await GetThroughL2Async(l2, flight, key, state, factory).ConfigureAwait(false)
                : await RunBodyAsync(flight, key, state, factory).ConfigureAwait(false);
            activity?.SetTag(CacheTelemetry.TierL1.Key, flight.RanBody ? CacheTelemetry.TierSource.Value : CacheTelemetry.TierL2.Value);

            // Complete first, then publish to L1, then retire the attempt: a caller always finds one of them.
            flight.Completion.TrySetResult(value);
            Store(key, flight, localOnly: false);
            _flights.TryRemove(new KeyValuePair<TKey, Flight>(key, flight));

            // Like HybridCache, the L2 write happens after the callers have their value.
            if (flight.L2Write is { } write)
            {
                await WriteL2Async(flight, write).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Fail(flight, key, activity, e);
        }
    }

    private void Fail(Flight flight, TKey key, Activity? activity, Exception e)
    {
        // Retire the attempt before its callers hear of the failure: a call made after that must start
        // afresh, never join an attempt that already failed (failures are not cached, not even briefly).
        _flights.TryRemove(new KeyValuePair<TKey, Flight>(key, flight));
        if (activity is not null)
        {
            TelemetryTags.SetError(activity, e);
        }

        if (e is OperationCanceledException canceled)
        {
            flight.Completion.TrySetCanceled(canceled.CancellationToken);
        }
        else
        {
            flight.Completion.TrySetException(e);
        }
    }

    private Activity? StartActivity()
    {
        var activity = AspectsTelemetry.ActivitySource.StartActivity(_spanName);
        activity?.SetTag(TelemetryTags.Method, Definition.MethodName);
        return activity;
    }

    private Task<TValue> RunBodyAsync<TState>(Flight flight, TKey key, TState state, Func<TState, TKey, CancellationToken, Task<TValue>> factory)
    {
        NoteBodyRun(flight);
        return factory(state, key, flight.Token);
    }

    private void NoteBodyRun(Flight flight)
    {
        flight.RanBody = true;
        if (CacheTelemetry.Requests.Enabled)
        {
            CacheTelemetry.Requests.Add(1, _methodTag, CacheTelemetry.TierSource, CacheTelemetry.Miss);
        }
    }

    // A local-only result (a synchronous method's, see CacheRegion.Sync.cs) has no L2 copy to go back to, so its L1 copy
    // lives as long as the value itself.
    private void Store(TKey key, Flight flight, bool localOnly)
    {
        if (flight.Invalidated)
        {
            return;
        }

        var lifetime = localOnly ? long.MaxValue : CurrentPolicyLifetimes()?.LocalLifetime ?? _localLifetime;

        // No tier serves a value past its duration: an L1 copy never outlives the value's own expiry (a slow body or an
        // L2 entry read late leaves less than the L1 lifetime).
        var remaining = flight.ExpiresAt - UnixMilliseconds();
        if (remaining <= 0)
        {
            return;
        }

        lifetime = Math.Min(lifetime, ToLocalTicks(remaining / 1000d));

        var entry = new Entry(flight.Completion.Task, PreciseNow() + lifetime, Interlocked.Increment(ref _sequence), flight.L2Key);
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (_entries.TryUpdate(key, entry, existing))
                {
                    break;
                }
            }
            else if (_entries.TryAdd(key, entry))
            {
                if (Interlocked.Increment(ref _count) > _maxEntries)
                {
                    Sweep();
                }

                break;
            }
        }

        // An invalidation that raced with the store either removed the entry or set the flag we read here.
        if (flight.Invalidated)
        {
            RemoveEntry(key, entry);
        }
    }

    private void RemoveEntry(TKey key, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void Sweep()
    {
        lock (_sweepLock)
        {
            if (Volatile.Read(ref _count) <= _maxEntries)
            {
                return;
            }

            var now = PreciseNow();
            foreach (var pair in _entries)
            {
                if (pair.Value.ExpiresAt <= now)
                {
                    RemoveEntry(pair.Key, pair.Value);
                }
            }

            if (Volatile.Read(ref _count) <= _maxEntries)
            {
                return;
            }

            // Dropping a tenth at once keeps sweeps rare: their cost is amortized over many inserts.
            var target = Math.Max(1, _maxEntries - (_maxEntries / 10));
            var oldestFirst = _entries.ToArray();
            Array.Sort(oldestFirst, static (a, b) => a.Value.Sequence.CompareTo(b.Value.Sequence));
            foreach (var pair in oldestFirst)
            {
                if (Volatile.Read(ref _count) <= target)
                {
                    break;
                }

                RemoveEntry(pair.Key, pair.Value);
            }
        }
    }

    private sealed class PolicyLifetimes(Policies.CacheSettings settings, long localLifetime)
    {
        public Policies.CacheSettings Settings { get; } = settings;

        public long LocalLifetime { get; } = localLifetime;
    }

    private sealed record Entry(Task<TValue> Task, long ExpiresAt, long Sequence, string? L2Key)
    {
        // Reference identity, so a removal only removes the exact entry it looked at.
        public bool Equals(Entry? other) => ReferenceEquals(this, other);

        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
    }

}

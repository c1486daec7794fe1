using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Aspects.Telemetry;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;

namespace Aspects.Caching;

/// <summary>
/// The runtime's cache (<see cref="AspectRuntime.Cache"/>): an in-process tier (L1) per cached method,
/// an optional distributed tier (L2, any <see cref="HybridCache"/>) and an optional
/// <see cref="ICacheBackplane"/> that carries invalidations to the other nodes.
/// </summary>
/// <remarks>
/// Generated <see cref="CachedAttribute"/> wrappers call <see cref="Region{TKey, TValue}"/> and the
/// region's methods; application code uses <see cref="InvalidateTagAsync"/> and the generated
/// invalidation methods. Dispose it to stop listening to the backplane. See <c>docs/caching.md</c>.
/// </remarks>
public sealed class TieredCache : IDisposable
{
    private readonly ConcurrentDictionary<CacheDefinition, ICacheRegion> _regions = new();
    private readonly IDisposable? _subscription;
    private readonly OutageLog _l2Outage;
    private readonly OutageLog _backplaneOutage;
    private readonly OutageLog _unreadableEntries;

    internal TieredCache(CacheOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        options.Validate();
        TimeProvider = timeProvider;
        MaxLocalEntries = options.MaxLocalEntriesPerMethod;
        KeyPrefix = options.KeyPrefix;
        MaxKeyLength = options.MaxKeyLength;
        Distributed = options.DistributedCache;
        ReadFailures = Distributed is not null && ReadFailureCounts.TryGetValue(Distributed, out var failures) ? failures : null;
        Backplane = options.Backplane;
        Logger = loggerFactory.CreateLogger<TieredCache>();
        _l2Outage = new OutageLog(timeProvider);
        _backplaneOutage = new OutageLog(timeProvider);
        _unreadableEntries = new OutageLog(timeProvider);
        if (Backplane is not null)
        {
            try
            {
                _subscription = Backplane.Subscribe(OnRemoteInvalidation);
            }
            catch (Exception e)
            {
                // The cache still works without the backplane; L1 lifetimes bound the staleness.
                CacheTelemetry.BackplaneErrors.Add(1, CacheTelemetry.Operation("subscribe"), TelemetryTags.Error(e));
                CacheLog.BackplaneSubscribeFailed(Logger, e);
            }
        }
    }

    /// <summary>Identifies this cache in backplane messages, so it can skip its own.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    internal TimeProvider TimeProvider { get; }

    internal int MaxLocalEntries { get; }

    internal HybridCache? Distributed { get; }

    internal ICacheBackplane? Backplane { get; }

    // How many reads of the L2's store failed and came back as misses; null when the L2 does not report them.
    internal L2ReadFailures? ReadFailures { get; }

    internal ILogger Logger { get; }

    // The owning runtime's named policies; regions of definitions with a policy read their lifetimes through it.
    internal Policies.PolicyStore? Policies { get; init; }

    // Only then do misses need the string key (for the L2 lookup or to match backplane messages).
    internal bool NeedsStringKeys => Distributed is not null || Backplane is not null;

    private string KeyPrefix { get; }

    private int MaxKeyLength { get; }

    /// <summary>
    /// The cache of one method: the same <paramref name="definition"/> always gets the same region of this
    /// cache. Repeated calls on the same cache cost a field read, a type check and a comparison.
    /// </summary>
    /// <typeparam name="TKey">The key: the key parameter, or a value tuple of them.</typeparam>
    /// <typeparam name="TValue">The method's result type.</typeparam>
    /// <param name="definition">The method's definition (a static field of the generated code).</param>
    /// <returns>The region.</returns>
    /// <exception cref="InvalidOperationException">The definition was used before with other type arguments.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CacheRegion<TKey, TValue> Region<TKey, TValue>(CacheDefinition definition)
        where TKey : notnull =>
        definition?.LastRegion is CacheRegion<TKey, TValue> region && ReferenceEquals(region.Cache, this)
            ? region
            : RegionSlow<TKey, TValue>(definition);

    /// <summary>
    /// Evicts every entry of every method tagged <paramref name="tag"/>: from this node's memory, from the
    /// L2 (a new version of the tag's eviction record makes every node reject the entries computed before it)
    /// and, through the backplane, from the other nodes' memory.
    /// </summary>
    /// <param name="tag">The tag, as written in <see cref="CachedAttribute.Tags"/>.</param>
    /// <param name="cancellationToken">Cancels the L2 and backplane work (the local eviction has happened by then).</param>
    /// <returns>A task that completes when the eviction has been sent everywhere.</returns>
    /// <remarks>L2 and backplane failures are logged and counted, not thrown.</remarks>
    public async ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ClearTagLocally(tag);
        CacheTelemetry.Invalidations.Add(1, CacheTelemetry.KindTag, CacheTelemetry.OriginLocal);
        if (Distributed is not null)
        {
            try
            {
                await WriteEvictionRecordAsync(Distributed, TagRecordKey(tag), TagRecordLifetime, cancellationToken).ConfigureAwait(false);
                ReportL2Success();
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                ReportL2Failure("*", "remove_by_tag", e);
            }

            // Attempts that read the old record after the first local eviction finish for their callers, unkept.
            ClearTagLocally(tag);
        }

        await PublishAsync(new CacheInvalidation(CacheInvalidationKind.Tag, InstanceId, string.Empty, tag), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Stops listening to the backplane.</summary>
    public void Dispose() => _subscription?.Dispose();

    // The read-failure counts of the L2s whose stores report them (Aspects.Redis attaches one to each HybridCache it builds).
    internal static readonly ConditionalWeakTable<HybridCache, L2ReadFailures> ReadFailureCounts = [];

    // How long a tag's eviction record lives: longer than any entry (tags are few, records tiny).
    internal static readonly TimeSpan TagRecordLifetime = TimeSpan.FromDays(3650);

    // Reads of entries and records: the L2 only (our L1 is the local tier), never a factory run or a write by HybridCache.
    internal static readonly HybridCacheEntryOptions L2ReadOptions = new()
    {
        Flags = HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableUnderlyingData | HybridCacheEntryFlags.DisableDistributedCacheWrite,
    };

    internal static HybridCacheEntryOptions L2WriteOptions(TimeSpan expiration) =>
        new() { Expiration = expiration, Flags = HybridCacheEntryFlags.DisableLocalCache };

    // The current version of an eviction record; "" while there is none (nothing was evicted within its lifetime).
    internal static async Task<string> ReadEvictionRecordAsync(HybridCache l2, string recordKey, CancellationToken cancellationToken) =>
        await l2.GetOrCreateAsync(recordKey, 0, static (_, _) => default(ValueTask<string?>), L2ReadOptions, null, cancellationToken)
            .ConfigureAwait(false) ?? string.Empty;

    // How often an eviction reads its record back before it completes anyway (see WriteEvictionRecordAsync).
    private const int RecordReadBacks = 10;

    // A fresh version, unique across nodes: entries stamped with any earlier version are rejected from now on.
    // HybridCache lets concurrent identical reads share one, so an attempt starting right after the eviction could
    // join a read of the record issued before the write and see the old version. The eviction therefore completes
    // only once a read of the record returns the new version, which means no read issued before the write is still
    // there to be joined. Bounded: when the store answers another version (a later eviction won, or the write was
    // lost), the wait ends after a few tries.
    internal static async ValueTask WriteEvictionRecordAsync(HybridCache l2, string recordKey, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var version = Guid.NewGuid().ToString("N");
        await l2.SetAsync(recordKey, version, L2WriteOptions(lifetime), null, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < RecordReadBacks; i++)
        {
            if (await ReadEvictionRecordAsync(l2, recordKey, cancellationToken).ConfigureAwait(false) == version)
            {
                return;
            }

            await Task.Yield();
        }
    }

    // Records live beside the entries under a second segment starting with '!', which no method name (the second
    // segment of every entry key) contains.
    internal string KeyRecordKey(string qualifiedKey) => QualifyKey(string.Concat("!evicted:", qualifiedKey.AsSpan(KeyPrefix.Length + 1)));

    internal string TagRecordKey(string tag)
    {
        var builder = new CacheKeyBuilder("!tag");
        builder.Append(tag);
        return QualifyKey(builder.ToString());
    }

    internal void ReportUnreadableL2Entry(string method)
    {
        CacheTelemetry.L2Errors.Add(1, CacheTelemetry.Method(method), CacheTelemetry.Operation("deserialize"));
        if (_unreadableEntries.ShouldLog(out var unreported))
        {
            CacheLog.L2EntryUnreadable(Logger, method, unreported);
        }
    }

    internal string QualifyKey(string key)
    {
        var qualified = string.Concat(KeyPrefix, ":", key);
        return qualified.Length < MaxKeyLength ? qualified : CacheKeys.Shorten(qualified, MaxKeyLength);
    }

    internal void ReportL2Failure(string method, string operation, Exception exception)
    {
        CacheTelemetry.L2Errors.Add(1, CacheTelemetry.Method(method), CacheTelemetry.Operation(operation), TelemetryTags.Error(exception));

        // On a miss the current span is the cache's own; the call still succeeds, so an event, not an error status.
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.AddEvent(new ActivityEvent(CacheTelemetry.L2ErrorEventName, tags: new ActivityTagsCollection
            {
                { CacheTelemetry.Operation(operation).Key, operation },
                { TelemetryTags.ErrorType, exception.GetType().FullName },
            }));
        }
        if (_l2Outage.ShouldLog(out var unreported))
        {
            CacheLog.L2Failed(Logger, method, operation, unreported, exception);
        }
    }

    internal void ReportL2Success()
    {
        if (_l2Outage.Recovered(out var failures))
        {
            CacheLog.L2Recovered(Logger, failures);
        }
    }

    internal async ValueTask PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken)
    {
        if (Backplane is null)
        {
            return;
        }

        try
        {
            await Backplane.PublishAsync(invalidation, cancellationToken).ConfigureAwait(false);
            if (_backplaneOutage.Recovered(out var failures))
            {
                CacheLog.BackplaneRecovered(Logger, failures);
            }
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            CacheTelemetry.BackplaneErrors.Add(1, CacheTelemetry.Operation("publish"), TelemetryTags.Error(e));
            if (_backplaneOutage.ShouldLog(out var unreported))
            {
                CacheLog.BackplanePublishFailed(
                    Logger, invalidation.Kind == CacheInvalidationKind.Tag ? "tag " + invalidation.Key : invalidation.MethodName, unreported, e);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private CacheRegion<TKey, TValue> RegionSlow<TKey, TValue>(CacheDefinition? definition)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(definition);
        var region = _regions.GetOrAdd(
            definition, static (d, cache) => new CacheRegion<TKey, TValue>(cache, d), this);
        if (region is not CacheRegion<TKey, TValue> typed)
        {
            throw new InvalidOperationException(
                $"The cache definition of {definition.MethodName} was used with other key or value types before; " +
                "each cached method needs its own definition.");
        }

        Volatile.Write(ref definition.LastRegion, typed);
        return typed;
    }

    private void ClearTagLocally(string tag)
    {
        foreach (var region in _regions.Values)
        {
            if (region.Definition.HasTag(tag))
            {
                region.ClearLocal();
            }
        }
    }

    private void OnRemoteInvalidation(CacheInvalidation invalidation)
    {
        if (invalidation.Source == InstanceId && invalidation.Kind != CacheInvalidationKind.All)
        {
            return;
        }

        try
        {
            if (invalidation.Kind == CacheInvalidationKind.Tag)
            {
                ClearTagLocally(invalidation.Key);
                CacheTelemetry.Invalidations.Add(1, CacheTelemetry.KindTag, CacheTelemetry.OriginRemote);
                return;
            }

            if (invalidation.Kind == CacheInvalidationKind.All)
            {
                // The backplane may have missed messages (it reconnected): any local copy may predate an eviction.
                foreach (var region in _regions.Values)
                {
                    region.ClearLocal();
                }

                CacheTelemetry.Invalidations.Add(1, CacheTelemetry.KindAll, CacheTelemetry.OriginRemote);
                return;
            }

            foreach (var region in _regions.Values)
            {
                if (region.Definition.MethodName == invalidation.MethodName)
                {
                    region.InvalidateLocal(invalidation.Key);
                }
            }

            CacheTelemetry.Invalidations.Add(
                1, CacheTelemetry.Method(invalidation.MethodName), CacheTelemetry.KindKey, CacheTelemetry.OriginRemote);
        }
        catch (Exception e)
        {
            // Never throw into the transport's thread.
            CacheLog.BackplaneHandlerFailed(Logger, e);
        }
    }
}

/// <summary>What <see cref="TieredCache"/> needs of a region without knowing its type arguments.</summary>
internal interface ICacheRegion
{
    CacheDefinition Definition { get; }

    void ClearLocal();

    void InvalidateLocal(string qualifiedKey);
}

/// <summary>
/// Counts the reads of an L2's store that failed and that the L2 turned into misses (HybridCache reads a failed
/// store read as "not found"). An attempt that saw the count move while it read cannot tell an absent eviction
/// record from an unreadable one, so it neither serves nor writes an L2 entry.
/// </summary>
internal sealed class L2ReadFailures
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record() => Interlocked.Increment(ref _count);
}

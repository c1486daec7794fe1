namespace Aspects.Caching;

// Invalidation: by key on this node and everywhere, by scan for backplane messages, and of the whole region.
public sealed partial class CacheRegion<TKey, TValue>
{
    /// <summary>
    /// Evicts <paramref name="key"/> from L1 (a run of the body in progress will not be stored), from the
    /// L2 (an eviction record makes every node reject an entry computed before it, even one written after it;
    /// skipped for an <see cref="CacheDefinition.InProcessOnly"/> method, which has nothing there), and through the
    /// backplane from the other nodes' L1.
    /// </summary>
    /// <param name="key">The key arguments.</param>
    /// <param name="l2Key">Builds the key's string form; called only when an L2 or a backplane exists.</param>
    /// <param name="cancellationToken">Cancels the L2 and backplane work (L1 is evicted by then).</param>
    /// <returns>A task that completes when the eviction has been sent everywhere.</returns>
    /// <remarks>L2 and backplane failures are logged and counted, not thrown.</remarks>
    public async ValueTask InvalidateAsync(TKey key, Func<TKey, string> l2Key, CancellationToken cancellationToken = default)
    {
        InvalidateLocal(key);
        CacheTelemetry.Invalidations.Add(1, _methodTag, CacheTelemetry.KindKey, CacheTelemetry.OriginLocal);
        if (!Cache.NeedsStringKeys)
        {
            return;
        }

        var qualified = Cache.QualifyKey(l2Key(key));
        if (Cache.Distributed is { } l2 && !Definition.InProcessOnly)
        {
            try
            {
                // The record first: from then on no node serves an entry whose computation started before it.
                await TieredCache.WriteEvictionRecordAsync(l2, Cache.KeyRecordKey(qualified), TimeSpan.FromMilliseconds(LongestDurationMilliseconds), cancellationToken)
                    .ConfigureAwait(false);

                // Only frees the space: readers would reject the entry anyway.
                await l2.RemoveAsync(qualified, cancellationToken).ConfigureAwait(false);
                Cache.ReportL2Success();
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                Cache.ReportL2Failure(Definition.MethodName, "remove", e);
            }

            // An attempt of this node that read the L2 between the first local eviction and the record may hold the
            // old value: it finishes for its callers (they called before the eviction completed) but is not kept.
            InvalidateLocal(key);
        }

        await Cache.PublishAsync(
            new CacheInvalidation(CacheInvalidationKind.Key, Cache.InstanceId, Definition.MethodName, qualified),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops every L1 entry of this method on this node (nothing else).</summary>
    public void ClearLocal()
    {
        foreach (var flight in _flights)
        {
            flight.Value.Invalidate();
            _flights.TryRemove(flight);
        }

        foreach (var entry in _entries)
        {
            RemoveEntry(entry.Key, entry.Value);
        }
    }

    void ICacheRegion.InvalidateLocal(string qualifiedKey)
    {
        // Backplane messages carry the string key; entries remember theirs, so a scan finds the match
        // without a second index to keep in step. Invalidations are rare next to lookups.
        foreach (var flight in _flights)
        {
            if (flight.Value.L2Key == qualifiedKey)
            {
                flight.Value.Invalidate();
                _flights.TryRemove(flight);
            }
        }

        foreach (var entry in _entries)
        {
            if (entry.Value.L2Key == qualifiedKey)
            {
                RemoveEntry(entry.Key, entry.Value);
            }
        }
    }

    private void InvalidateLocal(TKey key)
    {
        if (_flights.TryRemove(key, out var flight))
        {
            flight.Invalidate();
        }

        if (_entries.TryGetValue(key, out var entry))
        {
            RemoveEntry(key, entry);
        }
    }
}

using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Caching;

// The L2 tier. An entry is served only when two things still hold, checked by the node that reads it:
// - its lifetime: it carries when its computation started plus the duration (ExpiresAt), and an L1 copy of it
//   lives no longer than that;
// - no eviction since its computation started: every eviction (of its key, or of one of its method's tags)
//   writes a new version into an eviction record in the L2, and an entry carries the versions the attempt read
//   before running the body (its stamp). A stamp that differs from the current records is a miss.
// The records are read with the entry (in parallel, before the body runs), so this costs no extra round trip on
// an L1 miss, nothing on an L1 hit, and needs no clock shared between nodes: an attempt that overlapped an
// eviction may still write its value, but no reader ever serves it. See docs/caching.md#guarantees.
public sealed partial class CacheRegion<TKey, TValue>
{
    // The records of this method's tags, in the definition's order; null without an L2.
    private readonly string[]? _tagRecordKeys;

    // The longest duration this region has written entries with (policies may change it): a key's eviction record
    // lives that long, which outlives every entry computed before the eviction (an entry's L2 lifetime ends at
    // ExpiresAt, measured from the start of its computation).
    private long _longestDurationMilliseconds;

    private long LongestDurationMilliseconds => Volatile.Read(ref _longestDurationMilliseconds);

    private void NoteDuration(TimeSpan duration)
    {
        var milliseconds = (long)duration.TotalMilliseconds;
        var seen = Volatile.Read(ref _longestDurationMilliseconds);
        while (milliseconds > seen)
        {
            var previous = Interlocked.CompareExchange(ref _longestDurationMilliseconds, milliseconds, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    private long UnixMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<TValue> GetThroughL2Async<TState>(
        HybridCache l2, Flight flight, TKey key, TState state, Func<TState, TKey, CancellationToken, Task<TValue>> factory)
    {
        var failuresBefore = Cache.ReadFailures?.Count;
        L2Entry<TValue>? entry;
        string stamp;
        try
        {
            (entry, stamp) = await ReadEntryAndStampAsync(l2, flight).ConfigureAwait(false);
            Cache.ReportL2Success();
        }
        catch (Exception e) when (!(e is OperationCanceledException && flight.Token.IsCancellationRequested))
        {
            // The L2 failed, not the body: a cached call never fails because of the cache. Without the current
            // stamp the result cannot be written safely, so it goes to L1 only.
            Cache.ReportL2Failure(Definition.MethodName, "get", e);
            CountL2(hit: false);
            return await RunBodyAsync(flight, key, state, factory).ConfigureAwait(false);
        }

        if (Cache.ReadFailures?.Count != failuresBefore)
        {
            // A read failed and came back as "not found" (the store logged it): a missing record may be one we
            // could not read, so the entry can be neither trusted nor stamped. The result goes to L1 only.
            CountL2(hit: false);
            return await RunBodyAsync(flight, key, state, factory).ConfigureAwait(false);
        }

        if (entry is not null)
        {
            if (ReferenceEquals(entry, L2Entry<TValue>.Unreadable))
            {
                // Another format or corrupt bytes: a miss whose result overwrites (heals) the entry below.
                Cache.ReportUnreadableL2Entry(Definition.MethodName);
            }
            else if (entry.Stamp == stamp && entry.ExpiresAt > UnixMilliseconds())
            {
                CountL2(hit: true);
                flight.ExpiresAt = entry.ExpiresAt;
                return entry.Value!;
            }
        }

        CountL2(hit: false);
        var value = await RunBodyAsync(flight, key, state, factory).ConfigureAwait(false);
        flight.L2Write = new L2Entry<TValue> { ExpiresAt = flight.ExpiresAt, Stamp = stamp, Value = value };
        return value;
    }

    private async Task<(L2Entry<TValue>? Entry, string Stamp)> ReadEntryAndStampAsync(HybridCache l2, Flight flight)
    {
        var token = flight.Token;
        var entryRead = l2.GetOrCreateAsync(
            flight.L2Key!, 0, static (_, _) => default(ValueTask<L2Entry<TValue>?>), TieredCache.L2ReadOptions, null, token).AsTask();
        var keyRecordRead = TieredCache.ReadEvictionRecordAsync(l2, Cache.KeyRecordKey(flight.L2Key!), token);
        var tagRecordKeys = _tagRecordKeys!;
        if (tagRecordKeys.Length == 0)
        {
            await Task.WhenAll(entryRead, keyRecordRead).ConfigureAwait(false);
            return (entryRead.Result, keyRecordRead.Result);
        }

        var reads = new Task<string>[tagRecordKeys.Length + 1];
        reads[0] = keyRecordRead;
        for (var i = 0; i < tagRecordKeys.Length; i++)
        {
            reads[i + 1] = TieredCache.ReadEvictionRecordAsync(l2, tagRecordKeys[i], token);
        }

        await Task.WhenAll(Task.WhenAll(reads), entryRead).ConfigureAwait(false);
        var versions = new string[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            versions[i] = reads[i].Result;
        }

        return (entryRead.Result, string.Join('|', versions));
    }

    private async Task WriteL2Async(Flight flight, L2Entry<TValue> entry)
    {
        // Skipped when an eviction overlapped the attempt (its stamp would make readers reject it anyway) or
        // when the body outlasted the duration.
        var remaining = entry.ExpiresAt - UnixMilliseconds();
        if (flight.Invalidated || remaining <= 0)
        {
            return;
        }

        try
        {
            await Cache.Distributed!.SetAsync(
                flight.L2Key!, entry, TieredCache.L2WriteOptions(TimeSpan.FromMilliseconds(remaining)), null, CancellationToken.None).ConfigureAwait(false);
            Cache.ReportL2Success();
        }
        catch (Exception e)
        {
            Cache.ReportL2Failure(Definition.MethodName, "set", e);
        }
    }

    private void CountL2(bool hit)
    {
        if (CacheTelemetry.Requests.Enabled)
        {
            CacheTelemetry.Requests.Add(1, _methodTag, CacheTelemetry.TierL2, hit ? CacheTelemetry.Hit : CacheTelemetry.Miss);
        }
    }
}

using System.Buffers;
using Aspects.Caching;
using Aspects.Telemetry;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Aspects.Redis.Caching;

/// <summary>
/// Wraps the Redis <see cref="IDistributedCache"/> under HybridCache so that every store failure is
/// logged and counted (<c>aspects.cache.l2_errors</c>) before HybridCache sees it as a miss: HybridCache
/// itself swallows read failures silently (to its own log category), which would hide an outage.
/// </summary>
/// <remarks>
/// Logging is per outage, not per call (<see cref="OutageLog"/>): a warning when failures start, at most one
/// more per interval while they go on, and one line when an operation succeeds again. Every failure is counted.
/// A key that holds another Redis type (a list, a set, …: <c>WRONGTYPE</c>) is not an outage but an unreadable
/// entry: it is deleted (a read is then a miss, a write is retried once), so the next write heals it; such
/// entries are logged like the other unreadable ones (<c>CacheL2EntryUnreadable</c>, at most one line per 30 s).
/// </remarks>
internal sealed class FailureTolerantDistributedCache(IBufferDistributedCache inner, ILogger logger, TimeProvider time) : IBufferDistributedCache
{
    private readonly OutageLog _outage = new(time);
    private readonly OutageLog _unreadable = new(time);

    /// <summary>Attached to the HybridCache over this store (<see cref="TieredCache.ReadFailureCounts"/>).</summary>
    public L2ReadFailures ReadFailures { get; } = new();

    public byte[]? Get(string key) => Guard(static (c, k) => c.Get(k), key, key, "get");

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        GuardAsync(static (c, k, t) => new ValueTask<byte[]?>(c.GetAsync(k, t)), key, key, "get", token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        Guard(static (c, s) => { c.Set(s.key, s.value, s.options); return true; }, (key, value, options), key, "set");

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        GuardAsync(static (c, s, t) => new ValueTask(c.SetAsync(s.key, s.value, s.options, t)), (key, value, options), key, "set", token);

    public void Refresh(string key) => Guard(static (c, k) => { c.Refresh(k); return true; }, key, key, "refresh");

    public Task RefreshAsync(string key, CancellationToken token = default) =>
        GuardAsync(static (c, k, t) => new ValueTask(c.RefreshAsync(k, t)), key, key, "refresh", token);

    public void Remove(string key) => Guard(static (c, k) => { c.Remove(k); return true; }, key, key, "remove");

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        GuardAsync(static (c, k, t) => new ValueTask(c.RemoveAsync(k, t)), key, key, "remove", token);

    public bool TryGet(string key, IBufferWriter<byte> destination) =>
        Guard(static (c, s) => c.TryGet(s.key, s.destination), (key, destination), key, "get");

    public ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default) =>
        new(GuardAsync(static (c, s, t) => c.TryGetAsync(s.key, s.destination, t), (key, destination), key, "get", token));

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        Guard(static (c, s) => { c.Set(s.key, s.value, s.options); return true; }, (key, value, options), key, "set");

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        new(GuardAsync(static (c, s, t) => c.SetAsync(s.key, s.value, s.options, t), (key, value, options), key, "set", token));

    private TResult? Guard<TState, TResult>(Func<IBufferDistributedCache, TState, TResult> operation, TState state, string key, string name)
    {
        try
        {
            try
            {
                var result = operation(inner, state);
                Succeeded();
                return result;
            }
            catch (RedisServerException e) when (IsWrongType(e))
            {
                ReportWrongType(key, name, e);
                inner.Remove(key);
                return name == "set" ? operation(inner, state) : default;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Report(name, e);
            return default;
        }
    }

    // A failed read is a miss (default), a failed write or removal is skipped; the caller's own cancellation still throws.
    private async Task<TResult?> GuardAsync<TState, TResult>(
        Func<IBufferDistributedCache, TState, CancellationToken, ValueTask<TResult>> operation, TState state, string key, string name, CancellationToken token)
    {
        try
        {
            try
            {
                var result = await operation(inner, state, token).ConfigureAwait(false);
                Succeeded();
                return result;
            }
            catch (RedisServerException e) when (IsWrongType(e))
            {
                ReportWrongType(key, name, e);
                await inner.RemoveAsync(key, token).ConfigureAwait(false);
                return name == "set" ? await operation(inner, state, token).ConfigureAwait(false) : default;
            }
        }
        catch (Exception e) when (!(e is OperationCanceledException && token.IsCancellationRequested))
        {
            Report(name, e);
            return default;
        }
    }

    private Task GuardAsync<TState>(
        Func<IBufferDistributedCache, TState, CancellationToken, ValueTask> operation, TState state, string key, string name, CancellationToken token) =>
        GuardAsync(
            static async (c, s, t) =>
            {
                await s.operation(c, s.state, t).ConfigureAwait(false);
                return true;
            },
            (operation, state),
            key,
            name,
            token);

    private static bool IsWrongType(RedisServerException exception) => exception.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal);

    private void ReportWrongType(string key, string operation, RedisServerException exception)
    {
        // The method is the key's second segment ({prefix}:{method}:…); argument values are never logged.
        var segments = key.Split(':', 3);
        var method = segments.Length > 1 ? segments[1] : key;
        CacheTelemetry.L2Errors.Add(1, CacheTelemetry.Method(method), CacheTelemetry.Operation(operation), TelemetryTags.Error(exception));
        if (_unreadable.ShouldLog(out var unreported))
        {
            CacheLog.L2EntryUnreadable(logger, method, unreported);
        }
    }

    private void Report(string operation, Exception exception)
    {
        if (operation == "get")
        {
            // HybridCache reads the miss we return as "not found"; the cache must know it was not (see L2ReadFailures).
            ReadFailures.Record();
        }

        CacheTelemetry.L2Errors.Add(1, CacheTelemetry.Operation(operation), TelemetryTags.Error(exception));
        if (_outage.ShouldLog(out var unreported))
        {
            CacheLog.DistributedStoreFailed(logger, operation, unreported, exception);
        }
    }

    private void Succeeded()
    {
        if (_outage.Recovered(out var failures))
        {
            CacheLog.DistributedStoreRecovered(logger, failures);
        }
    }
}

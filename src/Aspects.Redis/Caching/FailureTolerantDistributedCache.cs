using System.Buffers;
using Aspects.Caching;
using Aspects.Telemetry;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace Aspects.Redis.Caching;

/// <summary>
/// Wraps the Redis <see cref="IDistributedCache"/> under HybridCache so that every store failure is
/// logged and counted (<c>aspects.cache.l2_errors</c>) before HybridCache sees it as a miss: HybridCache
/// itself swallows read failures silently (to its own log category), which would hide an outage.
/// </summary>
/// <remarks>
/// Logging is per outage, not per call (<see cref="OutageLog"/>): a warning when failures start, at most one
/// more per interval while they go on, and one line when an operation succeeds again. Every failure is counted.
/// </remarks>
internal sealed class FailureTolerantDistributedCache(IBufferDistributedCache inner, ILogger logger, TimeProvider time) : IBufferDistributedCache
{
    private readonly OutageLog _outage = new(time);

    public byte[]? Get(string key) => Guard(static (c, k) => c.Get(k), key, "get");

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        try
        {
            var value = await inner.GetAsync(key, token).ConfigureAwait(false);
            Succeeded();
            return value;
        }
        catch (Exception e) when (IsFailure(e, token))
        {
            Report("get", e);
            return null;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        Guard(static (c, s) => { c.Set(s.key, s.value, s.options); return true; }, (key, value, options), "set");

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        try
        {
            await inner.SetAsync(key, value, options, token).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception e) when (IsFailure(e, token))
        {
            Report("set", e);
        }
    }

    public void Refresh(string key) => Guard(static (c, k) => { c.Refresh(k); return true; }, key, "refresh");

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        try
        {
            await inner.RefreshAsync(key, token).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception e) when (IsFailure(e, token))
        {
            Report("refresh", e);
        }
    }

    public void Remove(string key) => Guard(static (c, k) => { c.Remove(k); return true; }, key, "remove");

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        try
        {
            await inner.RemoveAsync(key, token).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception e) when (IsFailure(e, token))
        {
            Report("remove", e);
        }
    }

    public bool TryGet(string key, IBufferWriter<byte> destination) =>
        Guard(static (c, s) => c.TryGet(s.key, s.destination), (key, destination), "get");

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        try
        {
            var found = await inner.TryGetAsync(key, destination, token).ConfigureAwait(false);
            Succeeded();
            return found;
        }
        catch (Exception e) when (IsFailure(e, token))
        {
            Report("get", e);
            return false;
        }
    }

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        Guard(static (c, s) => { c.Set(s.key, s.value, s.options); return true; }, (key, value, options), "set");

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        try
        {
            await inner.SetAsync(key, value, options, token).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception e) when (IsFailure(e, token))
        {
            Report("set", e);
        }
    }

    private static bool IsFailure(Exception e, CancellationToken token) => !(e is OperationCanceledException && token.IsCancellationRequested);

    private TResult? Guard<TState, TResult>(Func<IBufferDistributedCache, TState, TResult> operation, TState state, string name)
    {
        try
        {
            var result = operation(inner, state);
            Succeeded();
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Report(name, e);
            return default;
        }
    }

    private void Report(string operation, Exception exception)
    {
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

using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Tests.Caching;

/// <summary>
/// A minimal <see cref="HybridCache"/> for the L2 tier: values kept as objects, lifetimes on a
/// <see cref="TimeProvider"/>, tags, and a switch that makes every operation fail like an outage.
/// It also proves that any HybridCache implementation can be plugged in.
/// </summary>
public sealed class FakeHybridCache : HybridCache
{
    private readonly TimeProvider _time;

    private readonly Dictionary<string, (object? Value, DateTimeOffset Expires, string[] Tags)> _entries = [];
    private readonly Dictionary<string, (object? Value, int Reads)> _stale = [];
    private readonly Aspects.Caching.L2ReadFailures _readFailures = new();

    public FakeHybridCache(TimeProvider time)
    {
        _time = time;
        Aspects.Caching.TieredCache.ReadFailureCounts.AddOrUpdate(this, _readFailures);
    }

    public bool Failing { get; set; }

    /// <summary>
    /// How many reads after a write of a key containing ":!" (an eviction record) still return the value before it, the
    /// way a read issued before the write and shared by HybridCache with later callers does.
    /// </summary>
    public int StaleRecordReadsAfterWrite { get; set; }

    /// <summary>Keys whose reads fail the way a store under HybridCache fails: reported, then read as "not found".</summary>
    public Func<string, bool> ReadFailsFor { get; set; } = static _ => false;

    /// <summary>The options of every read and write, in order.</summary>
    public List<HybridCacheEntryOptions?> OptionsSeen { get; } = [];

    /// <summary>Writes and reads the entry at <paramref name="key"/> as stored (the runtime's L2 entry objects included).</summary>
    public object? this[string key]
    {
        get
        {
            lock (_entries)
            {
                return _entries.TryGetValue(key, out var entry) ? entry.Value : null;
            }
        }

        set
        {
            lock (_entries)
            {
                _entries[key] = (value, _time.GetUtcNow() + TimeSpan.FromDays(1), []);
            }
        }
    }

    /// <summary>The keys held now.</summary>
    public string[] Keys
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Keys];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    public bool Contains(string key)
    {
        lock (_entries)
        {
            return _entries.TryGetValue(key, out var entry) && entry.Expires > _time.GetUtcNow();
        }
    }

    public override async ValueTask<T> GetOrCreateAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        lock (_entries)
        {
            OptionsSeen.Add(options);
            if (ReadFailsFor(key))
            {
                _readFailures.Record();
                return default!;
            }

            if (_stale.TryGetValue(key, out var stale) && stale.Reads > 0)
            {
                _stale[key] = (stale.Value, stale.Reads - 1);
                return (T)stale.Value!;
            }

            if (_entries.TryGetValue(key, out var entry) && entry.Expires > _time.GetUtcNow())
            {
                return (T)entry.Value!;
            }
        }

        if (options?.Flags is { } flags && flags.HasFlag(HybridCacheEntryFlags.DisableUnderlyingData))
        {
            return default!;
        }

        var value = await factory(state, cancellationToken);
        await SetAsync(key, value, options, tags, cancellationToken);
        return value;
    }

    public override ValueTask SetAsync<T>(
        string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        lock (_entries)
        {
            OptionsSeen.Add(options);
            if (StaleRecordReadsAfterWrite > 0 && key.Contains(":!", StringComparison.Ordinal))
            {
                _stale[key] = (_entries.TryGetValue(key, out var previous) ? previous.Value : default(T), StaleRecordReadsAfterWrite);
            }

            _entries[key] = (value, _time.GetUtcNow() + (options?.Expiration ?? TimeSpan.FromMinutes(5)), tags?.ToArray() ?? []);
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        lock (_entries)
        {
            _entries.Remove(key);
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        lock (_entries)
        {
            foreach (var key in _entries.Where(e => e.Value.Tags.Contains(tag)).Select(e => e.Key).ToList())
            {
                _entries.Remove(key);
            }
        }

        return ValueTask.CompletedTask;
    }

    private void ThrowIfFailing()
    {
        if (Failing)
        {
            throw new InvalidOperationException("Simulated L2 outage.");
        }
    }
}

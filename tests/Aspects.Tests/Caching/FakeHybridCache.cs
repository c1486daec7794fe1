using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Tests.Caching;

/// <summary>
/// A minimal <see cref="HybridCache"/> for the L2 tier: values kept as objects, lifetimes on a
/// <see cref="TimeProvider"/>, tags, and a switch that makes every operation fail like an outage.
/// It also proves that any HybridCache implementation can be plugged in.
/// </summary>
public sealed class FakeHybridCache(TimeProvider time) : HybridCache
{
    private readonly Dictionary<string, (object? Value, DateTimeOffset Expires, string[] Tags)> _entries = [];

    public bool Failing { get; set; }

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
                _entries[key] = (value, time.GetUtcNow() + TimeSpan.FromDays(1), []);
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
            return _entries.TryGetValue(key, out var entry) && entry.Expires > time.GetUtcNow();
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
                Aspects.Caching.TieredCache.RecordL2ReadFailure();
                return default!;
            }

            if (_entries.TryGetValue(key, out var entry) && entry.Expires > time.GetUtcNow())
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
            _entries[key] = (value, time.GetUtcNow() + (options?.Expiration ?? TimeSpan.FromMinutes(5)), tags?.ToArray() ?? []);
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

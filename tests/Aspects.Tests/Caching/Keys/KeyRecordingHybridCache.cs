using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Tests.Caching.Keys;

/// <summary>An L2 that stores nothing and records the keys it was asked to remove.</summary>
internal sealed class KeyRecordingHybridCache : HybridCache
{
    /// <summary>HybridCache's own default limit (HybridCacheOptions.MaximumKeyLength).</summary>
    private const int MaximumKeyLength = 1024;

    public List<string> Removed { get; } = [];

    /// <summary>
    /// DefaultHybridCache's key validation (dotnet/extensions): not empty or white space, at most 1024 chars,
    /// no U+0000 to U+001F. A refused key skips the L2 entirely.
    /// </summary>
    public static bool IsAcceptedKey(string key) =>
        !string.IsNullOrWhiteSpace(key) && key.Length <= MaximumKeyLength && key.AsSpan().IndexOfAnyInRange('\u0000', '\u001F') < 0;

    public override ValueTask<T> GetOrCreateAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default) =>
        factory(state, cancellationToken);

    public override ValueTask SetAsync<T>(
        string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        Removed.Add(key);
        return ValueTask.CompletedTask;
    }

    public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

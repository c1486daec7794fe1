namespace Aspects.Caching;

/// <summary>What a <see cref="ICacheBackplane"/> message evicts.</summary>
public enum CacheInvalidationKind
{
    /// <summary>One entry of one method: <see cref="CacheInvalidation.MethodName"/> and <see cref="CacheInvalidation.Key"/>.</summary>
    Key = 1,

    /// <summary>Every entry of the methods that have the tag <see cref="CacheInvalidation.Key"/>.</summary>
    Tag = 2,

    /// <summary>
    /// Every L1 entry of every method, on the receiving node only: a backplane hands it to its own node's handler
    /// (never publishes it) when it may have missed messages, e.g. when its connection comes back.
    /// <see cref="CacheInvalidation.MethodName"/> and <see cref="CacheInvalidation.Key"/> are empty.
    /// </summary>
    All = 3,
}

/// <summary>An invalidation sent through a <see cref="ICacheBackplane"/>.</summary>
/// <param name="Kind">Whether one key or one tag is evicted.</param>
/// <param name="Source">Identifies the sending <see cref="TieredCache"/>, which ignores its own messages.</param>
/// <param name="MethodName">The cached method for <see cref="CacheInvalidationKind.Key"/>; empty for tags.</param>
/// <param name="Key">The full L2 key (prefix included) for <see cref="CacheInvalidationKind.Key"/>, or the tag.</param>
public sealed record CacheInvalidation(CacheInvalidationKind Kind, string Source, string MethodName, string Key);

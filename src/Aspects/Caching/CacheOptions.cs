using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Caching;

/// <summary>Settings of the runtime's <see cref="TieredCache"/> (<see cref="AspectRuntimeOptions.Cache"/>).</summary>
public sealed class CacheOptions
{
    /// <summary>The default of <see cref="MaxLocalEntriesPerMethod"/>.</summary>
    public const int DefaultMaxLocalEntriesPerMethod = 10_000;

    /// <summary>The default of <see cref="MaxKeyLength"/>.</summary>
    public const int DefaultMaxKeyLength = 512;

    /// <summary>The smallest accepted <see cref="MaxKeyLength"/>: room for a readable head, '#' and a SHA-256 in hex.</summary>
    public const int MinMaxKeyLength = 128;

    /// <summary>
    /// How many entries the in-process tier (L1) keeps per cached method; at least 1. When an insert
    /// goes past it, expired entries are dropped, then the oldest ones, down to 90% of the limit.
    /// Default <see cref="DefaultMaxLocalEntriesPerMethod"/>.
    /// </summary>
    public int MaxLocalEntriesPerMethod { get; set; } = DefaultMaxLocalEntriesPerMethod;

    /// <summary>
    /// The first segment of every L2 key and of the backplane channel, so several applications can
    /// share one Redis; must not be empty or contain ':'. Default <c>aspects</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "aspects";

    /// <summary>
    /// The longest L2 key, prefix included; longer keys keep a readable head and end in the SHA-256 of
    /// the whole key (see <see cref="CacheKeyBuilder"/>). At least <see cref="MinMaxKeyLength"/>; keep it
    /// at or below the L2's own limit (HybridCache rejects keys over 1024 characters by default).
    /// Default <see cref="DefaultMaxKeyLength"/>.
    /// </summary>
    public int MaxKeyLength { get; set; } = DefaultMaxKeyLength;

    /// <summary>
    /// The distributed tier (L2), or <see langword="null"/> (the default) for memory only. Any
    /// <see cref="HybridCache"/> works; the runtime disables its local cache for its own entries because
    /// the runtime's L1 is the local tier. <c>Aspects.Redis</c> builds one over Redis.
    /// </summary>
    public HybridCache? DistributedCache { get; set; }

    /// <summary>
    /// Carries invalidations to the other nodes so they drop their L1 copies, or <see langword="null"/>
    /// (the default). <c>Aspects.Redis</c> has one over Redis pub/sub.
    /// </summary>
    public ICacheBackplane? Backplane { get; set; }

    internal void Validate()
    {
        if (MaxLocalEntriesPerMethod < 1)
        {
            throw new ArgumentException($"{nameof(CacheOptions)}.{nameof(MaxLocalEntriesPerMethod)} must be at least 1.");
        }

        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{nameof(CacheOptions)}.{nameof(KeyPrefix)} must not be empty or contain ':'.");
        }

        if (MaxKeyLength < MinMaxKeyLength)
        {
            throw new ArgumentException($"{nameof(CacheOptions)}.{nameof(MaxKeyLength)} must be at least {MinMaxKeyLength}.");
        }
    }
}

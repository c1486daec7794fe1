using Aspects.Rules;

namespace Aspects;

/// <summary>
/// Caches the results of the method per distinct key arguments, in memory (L1) and, when the runtime
/// has one, in a distributed cache (L2). Put it on a <c>partial</c> method returning <c>Task&lt;T&gt;</c>
/// or <c>ValueTask&lt;T&gt;</c> and write the body in <c>{Name}Core</c>; the generator emits the lookup.
/// </summary>
/// <remarks>
/// Every parameter is part of the key except <see cref="CancellationToken"/> and parameters marked
/// <see cref="NotCacheKeyAttribute"/>. Entries belong to the method, not to the instance: two
/// instances of the class share them. Concurrent misses for one key run the body once per process.
/// <see langword="null"/> results are cached like any other value; exceptions are never cached.
/// See <c>docs/caching.md</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class CachedAttribute : Attribute
{
    /// <summary>How long a result stays valid, in seconds (the L2 lifetime); at least 1. Default 300.</summary>
    public int DurationSeconds { get; set; } = CacheRules.DefaultDurationSeconds;

    /// <summary>
    /// How long the in-process copy is trusted before the L2 is asked again, in seconds. 0 — the
    /// default — means min(<see cref="DurationSeconds"/>, 60). Without an L2 the in-process copy is the
    /// only one and lives for <see cref="DurationSeconds"/>.
    /// </summary>
    public int LocalDurationSeconds { get; set; } = CacheRules.DefaultLocalDurationSeconds;

    /// <summary>Tags for invalidating many entries at once with <see cref="Caching.TieredCache.InvalidateTagAsync"/>.</summary>
    public string[] Tags { get; set; } = [];

    /// <summary>
    /// The name of a policy (<c>Aspects:Cache:{name}</c> in configuration, or <see cref="AspectRuntimeOptions.Policies"/>)
    /// whose values override <see cref="DurationSeconds"/> and <see cref="LocalDurationSeconds"/> at run time, the values written here being the defaults; a reload applies to entries written afterwards. <see cref="Tags"/> and the key stay as compiled.
    /// <see langword="null"/> (the default): no policy. A name nothing defines logs a warning once and uses these values.
    /// </summary>
    public string? Policy { get; set; }
}

namespace Aspects;

/// <summary>Where the permits of a <c>[RateLimited]</c> bucket are counted.</summary>
public enum RateLimitScope
{
    /// <summary>In this process: every process (and every <see cref="AspectRuntime"/>) has its own bucket.</summary>
    Local,

    /// <summary>
    /// Across processes, in the store configured through
    /// <see cref="AspectRuntimeOptions.DistributedRateLimiters"/> (for example Redis with <c>Aspects.Redis</c>).
    /// Without one the runtime logs a warning and uses a local bucket.
    /// </summary>
    Distributed,
}

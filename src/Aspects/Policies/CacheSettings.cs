using Aspects.Rules;

namespace Aspects.Policies;

/// <summary>
/// The lifetimes of a <c>[Cached]</c> method: the attribute's values in generated code, or the attribute merged with
/// its policy. Immutable.
/// </summary>
public sealed class CacheSettings
{
    /// <summary>Creates validated settings; the defaults are <see cref="CachedAttribute"/>'s.</summary>
    /// <param name="durationSeconds">How long a result stays valid, in seconds (the L2 lifetime); at least 1. Default 300.</param>
    /// <param name="localDurationSeconds">
    /// How long an in-process copy is trusted when an L2 exists, in seconds; at least 0. 0 (the default) means
    /// min(<paramref name="durationSeconds"/>, 60); a larger value than <paramref name="durationSeconds"/> is capped at it.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it and says why.</exception>
    public CacheSettings(int durationSeconds = CacheRules.DefaultDurationSeconds, int localDurationSeconds = CacheRules.DefaultLocalDurationSeconds)
    {
        PolicyRules.ThrowIfInvalid(CacheRules.CheckDurationSeconds(durationSeconds), nameof(durationSeconds), CacheRules.DurationSeconds, durationSeconds);
        PolicyRules.ThrowIfInvalid(
            CacheRules.CheckLocalDurationSeconds(localDurationSeconds), nameof(localDurationSeconds), CacheRules.LocalDurationSeconds, localDurationSeconds);
        DurationSeconds = durationSeconds;
        LocalDurationSeconds = localDurationSeconds;
        Duration = TimeSpan.FromSeconds(durationSeconds);
        LocalDuration = TimeSpan.FromSeconds(CacheRules.LocalSecondsOf(durationSeconds, localDurationSeconds));
    }

    /// <summary>How long a result stays valid, in seconds, as given.</summary>
    public int DurationSeconds { get; }

    /// <summary>The in-process lifetime as given, in seconds: 0 for the default (see <see cref="LocalDuration"/>).</summary>
    public int LocalDurationSeconds { get; }

    /// <summary>How long a result is valid: the L2 lifetime, and the L1 lifetime when there is no L2.</summary>
    public TimeSpan Duration { get; }

    /// <summary>
    /// How long an L1 copy is trusted when an L2 exists: <see cref="LocalDurationSeconds"/>, or min(<see cref="DurationSeconds"/>,
    /// 60 s) when that is 0; never more than <see cref="Duration"/>.
    /// </summary>
    public TimeSpan LocalDuration { get; }

    /// <summary>These settings with <paramref name="policy"/>'s values laid over them.</summary>
    internal CacheSettings With(CachePolicy policy) =>
        new(policy.DurationSeconds ?? DurationSeconds, policy.LocalDurationSeconds ?? LocalDurationSeconds);

    /// <summary>Whether both give entries the same lifetimes.</summary>
    internal bool SameAs(CacheSettings other) => Duration == other.Duration && LocalDuration == other.LocalDuration;
}

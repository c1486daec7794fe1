namespace Aspects.Policies;

/// <summary>A named policy of <c>[Cached]</c> methods; an unset value keeps the attribute's.</summary>
public sealed class CachePolicy
{
    /// <summary>How long a result stays valid, in seconds; at least 1 (see <see cref="CachedAttribute.DurationSeconds"/>).</summary>
    public int? DurationSeconds { get; set; }

    /// <summary>
    /// How long the in-process copy is trusted when an L2 exists, in seconds; 0 means min(DurationSeconds, 60).
    /// Capped at the effective <see cref="DurationSeconds"/> (see <see cref="CachedAttribute.LocalDurationSeconds"/>).
    /// </summary>
    public int? LocalDurationSeconds { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        PolicyRules.AtLeast(errors, path, nameof(DurationSeconds), DurationSeconds, 1, "an entry lives at least 1 second");
        PolicyRules.AtLeast(errors, path, nameof(LocalDurationSeconds), LocalDurationSeconds, 0, "use 0 for min(DurationSeconds, 60) or a number of seconds");
    }

    internal CachePolicy Copy() => new() { DurationSeconds = DurationSeconds, LocalDurationSeconds = LocalDurationSeconds };
}

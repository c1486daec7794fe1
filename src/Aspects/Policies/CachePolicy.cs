using Aspects.Rules;

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
        PolicyRules.Check(errors, path, CacheRules.DurationSeconds, DurationSeconds, DurationSeconds is { } duration ? CacheRules.CheckDurationSeconds(duration) : null);
        PolicyRules.Check(
            errors, path, CacheRules.LocalDurationSeconds, LocalDurationSeconds, LocalDurationSeconds is { } local ? CacheRules.CheckLocalDurationSeconds(local) : null);
    }

    internal CachePolicy Copy() => new() { DurationSeconds = DurationSeconds, LocalDurationSeconds = LocalDurationSeconds };
}

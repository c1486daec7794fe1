namespace Aspects.Rules;

/// <summary>
/// The names, defaults and rules of <c>[Cached]</c>'s settings, written once: the generator (which links this file)
/// reads and checks the attribute with them; the runtime's <c>CachedAttribute</c>, <c>CachePolicy</c>,
/// <c>CacheSettings</c> and <c>CacheDefinition</c> use the same ones.
/// </summary>
internal static class CacheRules
{
    /// <summary>How long a result stays valid, in seconds (the L2 lifetime).</summary>
    public const string DurationSeconds = "DurationSeconds";

    /// <summary>How long the in-process copy is trusted before the L2 is asked again, in seconds; 0 for the default.</summary>
    public const string LocalDurationSeconds = "LocalDurationSeconds";

    /// <summary>The tags that invalidate many entries at once.</summary>
    public const string Tags = "Tags";

    /// <summary>The default of <see cref="DurationSeconds"/>: five minutes.</summary>
    public const int DefaultDurationSeconds = 300;

    /// <summary>The default of <see cref="LocalDurationSeconds"/>: 0, which means <see cref="LocalSecondsOf"/>'s derived value.</summary>
    public const int DefaultLocalDurationSeconds = 0;

    /// <summary>
    /// How long an in-process copy is trusted when <see cref="LocalDurationSeconds"/> is 0: local copies are
    /// re-checked against the L2 at least this often unless the attribute or the policy says otherwise.
    /// </summary>
    public const int DefaultMaxLocalDurationSeconds = 60;

    /// <summary>Why <paramref name="value"/> cannot be a <see cref="DurationSeconds"/>, or <see langword="null"/>.</summary>
    public static string? CheckDurationSeconds(int value) =>
        value < 1 ? "an entry lives at least 1 second, so it must be at least 1" : null;

    /// <summary>Why <paramref name="value"/> cannot be a <see cref="LocalDurationSeconds"/>, or <see langword="null"/>.</summary>
    public static string? CheckLocalDurationSeconds(int value) =>
        value < 0 ? "use 0 for the default min(DurationSeconds, 60), or a number of seconds" : null;

    /// <summary>
    /// Why an attribute's <paramref name="local"/> duration cannot go with its <paramref name="durationSeconds"/>, or
    /// <see langword="null"/>. Only the attribute, which names both, is held to this; a policy may set either one, and
    /// its local duration is capped (<see cref="LocalSecondsOf"/>).
    /// </summary>
    public static string? CheckLocalWithinDuration(int local, int durationSeconds) =>
        local > durationSeconds
            ? "an in-process copy never outlives the entry; use 0 for the default min(DurationSeconds, 60), or a value from 1 to DurationSeconds ("
                + durationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")"
            : null;

    /// <summary>Why <paramref name="tag"/> cannot be a tag, or <see langword="null"/>.</summary>
    public static string? CheckTag(string? tag) =>
        string.IsNullOrWhiteSpace(tag) ? "a tag is a non-empty name" : null;

    /// <summary>
    /// The in-process lifetime, in seconds, that a duration and a local duration give: 0 means
    /// min(<paramref name="durationSeconds"/>, <see cref="DefaultMaxLocalDurationSeconds"/>), and it never exceeds
    /// <paramref name="durationSeconds"/>.
    /// </summary>
    public static int LocalSecondsOf(int durationSeconds, int localDurationSeconds)
    {
        var local = localDurationSeconds == 0 ? DefaultMaxLocalDurationSeconds : localDurationSeconds;
        return local < durationSeconds ? local : durationSeconds;
    }
}

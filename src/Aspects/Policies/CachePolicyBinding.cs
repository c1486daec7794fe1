namespace Aspects.Policies;

/// <summary>The effective lifetimes of a <c>[Cached]</c> method: its attribute merged with its policy.</summary>
internal sealed class CacheSettings(TimeSpan duration, TimeSpan localDuration)
{
    public TimeSpan Duration { get; } = duration;

    public TimeSpan LocalDuration { get; } = localDuration;

    public bool SameAs(CacheSettings other) => Duration == other.Duration && LocalDuration == other.LocalDuration;
}

/// <summary>
/// Ties a <see cref="Caching.CacheDefinition"/> with a policy name to its policy; the cache asks it for the
/// lifetimes of every entry it writes, so a reload applies to entries written afterwards.
/// </summary>
internal sealed class CachePolicyBinding(string policy, CacheSettings defaults) : PolicyBinding<CachePolicy, CacheSettings>(policy, defaults)
{
    private protected override string Section => PolicyConfigurationReader.CacheSection;

    private protected override Dictionary<string, CachePolicy> PoliciesOf(PolicySnapshot snapshot) => snapshot.Cache;

    private protected override CacheSettings Merge(CachePolicy policy)
    {
        var duration = policy.DurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : Defaults.Duration;
        var local = policy.LocalDurationSeconds switch
        {
            null => Defaults.LocalDuration,
            0 => TimeSpan.FromSeconds(60),
            { } localSeconds => TimeSpan.FromSeconds(localSeconds),
        };
        return new CacheSettings(duration, local > duration ? duration : local);
    }

    private protected override bool Same(CacheSettings left, CacheSettings right) => left.SameAs(right);
}

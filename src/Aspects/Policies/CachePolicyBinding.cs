using System.Runtime.CompilerServices;

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
internal sealed class CachePolicyBinding(string policy, CacheSettings defaults)
{
    private Resolved<CacheSettings>? _last;

    public string Policy { get; } = policy;

    public CacheSettings Defaults { get; } = defaults;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Resolved<CacheSettings> Resolve(PolicyStore store)
    {
        var snapshot = store.Current;
        var last = Volatile.Read(ref _last);
        return last is not null && ReferenceEquals(last.Snapshot, snapshot) ? last : ResolveSlow(store, snapshot, last);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Resolved<CacheSettings> ResolveSlow(PolicyStore store, PolicySnapshot snapshot, Resolved<CacheSettings>? last)
    {
        var settings = Defaults;
        if (snapshot.Cache.TryGetValue(Policy, out var policy))
        {
            var duration = policy.DurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : Defaults.Duration;
            var local = policy.LocalDurationSeconds switch
            {
                null => Defaults.LocalDuration,
                0 => TimeSpan.FromSeconds(60),
                { } localSeconds => TimeSpan.FromSeconds(localSeconds),
            };
            settings = new CacheSettings(duration, local > duration ? duration : local);
        }
        else
        {
            store.ReportMissing("Cache", Policy);
        }

        if (last is not null && last.Settings.SameAs(settings))
        {
            settings = last.Settings;
        }

        var resolved = new Resolved<CacheSettings>(snapshot, settings);
        Volatile.Write(ref _last, resolved);
        return resolved;
    }
}

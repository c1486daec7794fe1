namespace Aspects.Policies;

/// <summary>
/// A validated, private copy of <see cref="AspectPolicies"/>. Replaced whole on every update, so its
/// reference doubles as the version that policy bindings compare against.
/// </summary>
internal sealed class PolicySnapshot
{
    public PolicySnapshot(AspectPolicies policies)
    {
        Cache = Copy(policies.Cache, static p => p?.Copy() ?? new CachePolicy());
        RateLimits = Copy(policies.RateLimits, static p => p?.Copy() ?? new RateLimitPolicy());
        Retry = Copy(policies.Retry, static p => p?.Copy() ?? new RetryPolicy());
        Batching = Copy(policies.Batching, static p => p?.Copy() ?? new BatchingPolicy());
    }

    public Dictionary<string, CachePolicy> Cache { get; }

    public Dictionary<string, RateLimitPolicy> RateLimits { get; }

    public Dictionary<string, RetryPolicy> Retry { get; }

    public Dictionary<string, BatchingPolicy> Batching { get; }

    private static Dictionary<string, TPolicy> Copy<TPolicy>(IDictionary<string, TPolicy> policies, Func<TPolicy?, TPolicy> copy)
        where TPolicy : class
    {
        var copies = new Dictionary<string, TPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, policy) in policies)
        {
            copies[name] = copy(policy);
        }

        return copies;
    }
}

/// <summary>What a binding resolved against one snapshot; replaced whole so readers never see a torn pair.</summary>
internal sealed class Resolved<T>(PolicySnapshot snapshot, T settings)
    where T : class
{
    public PolicySnapshot Snapshot { get; } = snapshot;

    public T Settings { get; } = settings;
}

namespace Aspects.Policies;

/// <summary>
/// A validated, private copy of <see cref="AspectPolicies"/>. Replaced whole on every update, so its
/// reference doubles as the version that policy bindings compare against.
/// </summary>
internal sealed class PolicySnapshot
{
    public PolicySnapshot(AspectPolicies policies)
    {
        foreach (var (name, policy) in policies.Cache)
        {
            Cache[name] = policy?.Copy() ?? new CachePolicy();
        }

        foreach (var (name, policy) in policies.RateLimits)
        {
            RateLimits[name] = policy?.Copy() ?? new RateLimitPolicy();
        }

        foreach (var (name, policy) in policies.Retry)
        {
            Retry[name] = policy?.Copy() ?? new RetryPolicy();
        }

        foreach (var (name, policy) in policies.Batching)
        {
            Batching[name] = policy?.Copy() ?? new BatchingPolicy();
        }
    }

    public Dictionary<string, CachePolicy> Cache { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, RateLimitPolicy> RateLimits { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, RetryPolicy> Retry { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, BatchingPolicy> Batching { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>What a binding resolved against one snapshot; replaced whole so readers never see a torn pair.</summary>
internal sealed class Resolved<T>(PolicySnapshot snapshot, T settings)
    where T : class
{
    public PolicySnapshot Snapshot { get; } = snapshot;

    public T Settings { get; } = settings;
}

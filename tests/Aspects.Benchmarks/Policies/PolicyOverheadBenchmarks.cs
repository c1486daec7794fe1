using Aspects;
using Aspects.Policies;
using BenchmarkDotNet.Attributes;

namespace Aspects.Benchmarks.Policies;

/// <summary>
/// What <c>Policy = "name"</c> costs per call once the policy is resolved: the same synchronous [Retry] and
/// [RateLimited] methods with and without a policy (the policy sets the same values as the attribute).
/// </summary>
[MemoryDiagnoser]
public partial class PolicyOverheadBenchmarks
{
    private readonly AspectRuntime _aspects = new(new AspectRuntimeOptions
    {
        Policies =
        {
            Retry = { ["bench"] = new RetryPolicy { MaxAttempts = 3 } },
            RateLimits = { ["bench"] = new RateLimitPolicy { PermitsPerSecond = 1e9, Burst = 1_000_000 } },
        },
    });

    [Benchmark(Baseline = true, Description = "[Retry] (sync), constants")]
    public int Retry() => Get(1);

    [Benchmark(Description = "[Retry(Policy)] (sync)")]
    public int RetryWithPolicy() => GetWithPolicy(1);

    [Benchmark(Description = "[RateLimited] (sync, permit available), constants")]
    public int RateLimited() => Limited(1);

    [Benchmark(Description = "[RateLimited(Policy)] (sync, permit available)")]
    public int RateLimitedWithPolicy() => LimitedWithPolicy(1);

    [Retry(MaxAttempts = 3)]
    public partial int Get(int id);

    [Retry(MaxAttempts = 3, Policy = "bench")]
    public partial int GetWithPolicy(int id);

    [RateLimited(Name = "bench-constants", PermitsPerSecond = 1e9, Burst = 1_000_000, Mode = RateLimitMode.Reject)]
    public partial int Limited(int id);

    [RateLimited(Name = "bench-policy", PermitsPerSecond = 1e9, Burst = 1_000_000, Mode = RateLimitMode.Reject, Policy = "bench")]
    public partial int LimitedWithPolicy(int id);

    private int GetCore(int id) => id + 41;

    private int GetWithPolicyCore(int id) => id + 41;

    private int LimitedCore(int id) => id + 41;

    private int LimitedWithPolicyCore(int id) => id + 41;
}

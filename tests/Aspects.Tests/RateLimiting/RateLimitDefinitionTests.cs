using Aspects.Policies;
using Aspects.RateLimiting;

namespace Aspects.Tests.RateLimiting;

/// <summary>
/// The per-method definition the generated [RateLimited] wrapper reads its bucket from: remembered per runtime,
/// and per policy snapshot for policy-bound methods, so the cache never hands out another runtime's bucket or
/// misses a reload.
/// </summary>
public class RateLimitDefinitionTests
{
    [Fact]
    public void The_same_runtime_gets_the_same_bucket_without_a_lookup_and_each_runtime_its_own()
    {
        var definition = new RateLimitDefinition("defined", 10, 2, RateLimitScope.Local);
        var first = new AspectRuntime(new AspectRuntimeOptions());
        var second = new AspectRuntime(new AspectRuntimeOptions());

        var a = definition.Limiter(first);
        var b = definition.Limiter(second);

        Assert.Same(a, definition.Limiter(first));
        Assert.Same(a, first.RateLimiters.GetOrCreate("defined", 10, 2, RateLimitScope.Local));
        Assert.Same(b, second.RateLimiters.GetOrCreate("defined", 10, 2, RateLimitScope.Local));
        Assert.NotSame(a, b);
        Assert.Same(b, definition.Limiter(second));
    }

    [Fact]
    public void A_policy_reload_reaches_the_remembered_bucket_on_the_next_call()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { RateLimits = { ["api"] = new RateLimitPolicy { PermitsPerSecond = 5 } } } });
        var binding = new RateLimitPolicyBinding("api", new RateLimitSettings(1, 1, RateLimitMode.Reject, 0));
        var definition = new RateLimitDefinition("policy-bound", binding, RateLimitScope.Local);

        var limiter = definition.Limiter(runtime);
        Assert.Equal(5, limiter.PermitsPerSecond);
        Assert.Same(limiter, definition.Limiter(runtime));

        runtime.UpdatePolicies(new AspectPolicies { RateLimits = { ["api"] = new RateLimitPolicy { PermitsPerSecond = 50, Burst = 3 } } });

        Assert.Same(limiter, definition.Limiter(runtime));
        Assert.Equal((50d, 3), (limiter.PermitsPerSecond, limiter.Burst));
    }
}

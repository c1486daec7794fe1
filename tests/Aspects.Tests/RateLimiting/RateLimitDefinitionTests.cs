using Aspects.Tests.Infrastructure;
using Aspects.Policies;
using Aspects.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Aspects.Tests.RateLimiting;

/// <summary>
/// The per-method definition the generated [RateLimited] wrapper reads its bucket and its permits from, with or
/// without a policy: the bucket is remembered per runtime, and per policy snapshot for policy-bound methods, so the
/// cache never hands out another runtime's bucket or misses a reload.
/// </summary>
[Collection(AllocationSensitive.Name)]
public class RateLimitDefinitionTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_same_runtime_gets_the_same_bucket_without_a_lookup_and_each_runtime_its_own()
    {
        var definition = new RateLimitDefinition("defined", new RateLimitSettings(10, 2, RateLimitMode.Wait, 30_000), RateLimitScope.Local);
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
        var definition = new RateLimitDefinition("policy-bound", new RateLimitSettings(1, 1, RateLimitMode.Reject, 0), RateLimitScope.Local, policy: "api");

        var limiter = definition.Limiter(runtime);
        Assert.Equal("api", definition.Policy);
        Assert.Equal(5, limiter.PermitsPerSecond);
        Assert.Same(limiter, definition.Limiter(runtime));

        runtime.UpdatePolicies(new AspectPolicies { RateLimits = { ["api"] = new RateLimitPolicy { PermitsPerSecond = 50, Burst = 3 } } });

        Assert.Same(limiter, definition.Limiter(runtime));
        Assert.Equal((50d, 3), (limiter.PermitsPerSecond, limiter.Burst));
    }

    [Fact]
    public void Without_a_policy_permits_are_taken_with_the_definition_settings_themselves()
    {
        var runtime = Runtime(new AspectRuntimeOptions());
        var settings = new RateLimitSettings(1, 1, RateLimitMode.Reject, 30_000);
        var definition = new RateLimitDefinition("fixed", settings, RateLimitScope.Local);
        var limiter = definition.Limiter(runtime);

        Assert.Null(definition.Policy);
        Assert.Same(settings, definition.Resolve(runtime));
        Assert.True(definition.AcquireAsync(limiter, runtime, CancellationToken.None).IsCompletedSuccessfully);

        // Empty: Reject (the definition's mode) throws at once instead of waiting up to 30 s.
        Assert.Throws<RateLimitRejectedException>(() => definition.Acquire(limiter, runtime, CancellationToken.None));
    }

    [Fact]
    public void A_policy_nothing_defines_runs_with_the_attribute_values()
    {
        var runtime = Runtime(new AspectRuntimeOptions());
        var settings = new RateLimitSettings(2, 1, RateLimitMode.Reject, 0);
        var definition = new RateLimitDefinition("missing-policy", settings, RateLimitScope.Local, policy: "nowhere");

        var limiter = definition.Limiter(runtime);

        Assert.Same(settings, definition.Resolve(runtime));
        Assert.Equal((2d, 1), (limiter.PermitsPerSecond, limiter.Burst));
        definition.Acquire(limiter, runtime, CancellationToken.None);
        Assert.Throws<RateLimitRejectedException>(() => definition.Acquire(limiter, runtime, CancellationToken.None));
    }

    [Fact]
    public async Task A_policy_mode_and_wait_replace_the_attribute_ones_and_a_reload_changes_them()
    {
        var runtime = Runtime(new AspectRuntimeOptions { Policies = { RateLimits = { ["api"] = new RateLimitPolicy { Mode = RateLimitMode.Wait, MaxWaitMilliseconds = 5_000 } } } });
        var definition = new RateLimitDefinition("policy-mode", new RateLimitSettings(1, 1, RateLimitMode.Reject, 0), RateLimitScope.Local, policy: "api");
        var limiter = definition.Limiter(runtime);
        definition.Acquire(limiter, runtime, CancellationToken.None);

        // Empty: the policy's Wait mode queues the call (1 s to the next permit, within 5 s) instead of rejecting it.
        var waiting = definition.AcquireAsync(limiter, runtime, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10)); // the permit is due now; the bound only guards a hang

        // Reloaded without a mode: the attribute's Reject applies again.
        runtime.UpdatePolicies(new AspectPolicies { RateLimits = { ["api"] = new RateLimitPolicy() } });
        Assert.Equal(RateLimitMode.Reject, definition.Resolve(runtime).Mode);
        Assert.Throws<RateLimitRejectedException>(() => definition.Acquire(limiter, runtime, CancellationToken.None));
    }

    [Fact]
    public void Partitions_take_the_definition_settings_without_a_policy_and_the_policy_values_with_one()
    {
        var runtime = Runtime(new AspectRuntimeOptions { Policies = { RateLimits = { ["wide"] = new RateLimitPolicy { Burst = 2 } } } });
        var plain = new RateLimitDefinition("plain-partitions", new RateLimitSettings(1, 1, RateLimitMode.Reject, 0), RateLimitScope.Local);
        var bound = new RateLimitDefinition("bound-partitions", new RateLimitSettings(1, 1, RateLimitMode.Reject, 0), RateLimitScope.Local, policy: "wide");

        var plainPartitions = plain.Partitions(runtime);
        plain.Acquire(plainPartitions, "a", runtime, CancellationToken.None);
        Assert.Throws<RateLimitRejectedException>(() => plain.Acquire(plainPartitions, "a", runtime, CancellationToken.None));
        Assert.True(plain.AcquireAsync(plainPartitions, "b", runtime, CancellationToken.None).IsCompletedSuccessfully);

        // The policy's burst of 2 reaches each partition; a reload to burst 1 reaches a partition on its next call.
        var boundPartitions = bound.Partitions(runtime);
        bound.Acquire(boundPartitions, "a", runtime, CancellationToken.None);
        bound.Acquire(boundPartitions, "a", runtime, CancellationToken.None);
        Assert.Throws<RateLimitRejectedException>(() => bound.Acquire(boundPartitions, "a", runtime, CancellationToken.None));

        runtime.UpdatePolicies(new AspectPolicies { RateLimits = { ["wide"] = new RateLimitPolicy { Burst = 1 } } });
        bound.Acquire(boundPartitions, "b", runtime, CancellationToken.None);
        Assert.Throws<RateLimitRejectedException>(() => bound.Acquire(boundPartitions, "b", runtime, CancellationToken.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("api")]
    public void Taking_an_available_permit_through_the_definition_allocates_nothing(string? policy)
    {
        var runtime = Runtime(new AspectRuntimeOptions { Policies = { RateLimits = { ["api"] = new RateLimitPolicy { MaxWaitMilliseconds = 10 } } } });
        var definition = new RateLimitDefinition("no-alloc-" + policy, new RateLimitSettings(1e9, 1_000_000, RateLimitMode.Reject, 0), RateLimitScope.Local, policy);
        var completed = Take(definition, runtime);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            completed &= Take(definition, runtime);
        }

        Assert.True(completed, "Every acquisition should have completed synchronously.");
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static bool Take(RateLimitDefinition definition, AspectRuntime runtime) =>
            definition.AcquireAsync(definition.Limiter(runtime), runtime, CancellationToken.None).IsCompletedSuccessfully;
    }

    private AspectRuntime Runtime(AspectRuntimeOptions options)
    {
        options.TimeProvider = _time;
        return new AspectRuntime(options);
    }
}

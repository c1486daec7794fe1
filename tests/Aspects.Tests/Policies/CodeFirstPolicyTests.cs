using Aspects.Policies;
using Aspects.RateLimiting;
using Aspects.Retrying;
using Aspects.Tests.Infrastructure;

namespace Aspects.Tests.Policies;

/// <summary>Policies set in code through <see cref="AspectRuntimeOptions.Policies"/> and <see cref="AspectRuntime.UpdatePolicies"/>.</summary>
public sealed class CodeFirstPolicyTests
{
    private readonly RecordingTimeProvider _clock = new();

    [Fact]
    public void Policies_set_in_code_override_the_attribute_and_can_be_replaced()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions
        {
            TimeProvider = _clock,
            Policies = { Retry = { ["PAYMENTS"] = new RetryPolicy { MaxAttempts = 5 } } },
        });
        var service = new PolicyServices(runtime);

        Assert.Throws<TimeoutException>(() => service.FetchBalance());
        Assert.Equal(5, service.Attempts);

        runtime.UpdatePolicies(new AspectPolicies { Retry = { ["payments"] = new RetryPolicy { MaxAttempts = 1 } } });
        Assert.Throws<TimeoutException>(() => service.FetchBalance());
        Assert.Equal(5 + 1, service.Attempts);
    }

    [Fact]
    public void Invalid_code_policies_fail_with_a_message_naming_the_setting()
    {
        var options = new AspectRuntimeOptions { Policies = { Batching = { ["stock"] = new BatchingPolicy { MaxBatchSize = 0 } } } };

        var exception = Assert.Throws<ArgumentException>(() => new AspectRuntime(options));

        Assert.Contains("AspectRuntimeOptions.Policies:Batching:stock:MaxBatchSize = 0 is invalid", exception.Message);
    }

    [Fact]
    public void A_bound_method_keeps_one_settings_instance_until_the_policies_change()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { Retry = { ["p"] = new RetryPolicy { MaxAttempts = 5 } } } });
        var binding = new RetryDefinition(new RetrySettings(3, 200, 30_000, RetryBackoff.Exponential, true), policy: "p");

        var first = binding.Resolve(runtime);
        Assert.Same(first, binding.Resolve(runtime));
        Assert.Equal((5, 200), (first.MaxAttempts, first.DelayMilliseconds));

        runtime.UpdatePolicies(new AspectPolicies { Retry = { ["p"] = new RetryPolicy { DelayMilliseconds = 10 } } });
        var second = binding.Resolve(runtime);
        Assert.Equal((3, 10), (second.MaxAttempts, second.DelayMilliseconds));
    }

    [Fact]
    public void A_reconfigured_bucket_keeps_its_permits_capped_at_the_new_burst_and_is_not_refilled()
    {
        var bucket = new TokenBucket("reconfigured", 1, 10, _clock);
        for (var i = 0; i < 7; i++)
        {
            bucket.Acquire(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        }

        Assert.True(bucket.Reconfigure(1, 2));
        Assert.Equal(2, bucket.AvailablePermits);

        Assert.True(bucket.Reconfigure(4, 10));
        Assert.Equal(2, bucket.AvailablePermits);
        Assert.Equal((4d, 10), (bucket.PermitsPerSecond, bucket.Burst));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(6, bucket.AvailablePermits);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(10, bucket.AvailablePermits);
    }

    [Fact]
    public void Reconfiguring_a_bucket_with_an_invalid_rate_names_the_setting()
    {
        var bucket = new TokenBucket("strict", 1, 1, _clock);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => bucket.Reconfigure(0, 1));

        Assert.Contains("PermitsPerSecond of rate limiter 'strict'", exception.Message);
    }
}

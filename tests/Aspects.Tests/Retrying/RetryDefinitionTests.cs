using Aspects.Tests.Infrastructure;
using Aspects.Policies;
using Aspects.Retrying;

namespace Aspects.Tests.Retrying;

/// <summary>The settings field of a [Retry] method: the attribute's values, with a named policy laid over them when it has one.</summary>
[Collection(AllocationSensitive.Name)]
public sealed class RetryDefinitionTests
{
    private static readonly RetrySettings AttributeValues = new(maxAttempts: 4, delayMilliseconds: 100, maxDelayMilliseconds: 1_000, RetryBackoff.Linear, jitter: false);

    [Fact]
    public void Without_a_policy_it_resolves_to_the_attribute_values_on_any_runtime_without_allocating()
    {
        var definition = new RetryDefinition(AttributeValues);
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { Retry = { ["p"] = new RetryPolicy { MaxAttempts = 9 } } } });

        Assert.Null(definition.Policy);
        Assert.Same(AttributeValues, definition.Resolve(runtime));
        Assert.Same(AttributeValues, definition.Resolve(new AspectRuntime()));

        definition.Resolve(runtime);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            definition.Resolve(runtime);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_policy_the_runtime_does_not_have_leaves_the_attribute_values()
    {
        var definition = new RetryDefinition(AttributeValues, policy: "absent");
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { Retry = { ["other"] = new RetryPolicy { MaxAttempts = 9 } } } });

        Assert.Equal("absent", definition.Policy);
        Assert.Same(AttributeValues, definition.Resolve(runtime));
    }

    [Fact]
    public void A_policy_overrides_what_it_sets_and_keeps_the_attribute_values_for_the_rest()
    {
        var definition = new RetryDefinition(AttributeValues, policy: "p");
        var runtime = new AspectRuntime(new AspectRuntimeOptions
        {
            Policies = { Retry = { ["p"] = new RetryPolicy { MaxAttempts = 2, Backoff = RetryBackoff.Exponential, Jitter = true } } },
        });

        var settings = definition.Resolve(runtime);

        Assert.Equal((2, 100, 1_000, RetryBackoff.Exponential, true), (settings.MaxAttempts, settings.DelayMilliseconds, settings.MaxDelayMilliseconds, settings.Backoff, settings.Jitter));
        Assert.Same(settings, definition.Resolve(runtime));
        Assert.Same(AttributeValues, definition.Settings);
    }

    [Fact]
    public void A_reload_applies_to_the_next_resolve()
    {
        var definition = new RetryDefinition(AttributeValues, policy: "p");
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { Retry = { ["p"] = new RetryPolicy { MaxAttempts = 2 } } } });
        Assert.Equal(2, definition.Resolve(runtime).MaxAttempts);

        runtime.UpdatePolicies(new AspectPolicies { Retry = { ["p"] = new RetryPolicy { DelayMilliseconds = 5, MaxDelayMilliseconds = 50 } } });
        var reloaded = definition.Resolve(runtime);
        Assert.Equal((4, 5, 50), (reloaded.MaxAttempts, reloaded.DelayMilliseconds, reloaded.MaxDelayMilliseconds));

        // A reload that removes the policy goes back to the attribute's values.
        runtime.UpdatePolicies(new AspectPolicies());
        Assert.Same(AttributeValues, definition.Resolve(runtime));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void A_blank_policy_name_is_refused(string policy) =>
        Assert.ThrowsAny<ArgumentException>(() => new RetryDefinition(AttributeValues, policy));

    [Fact]
    public void Settings_are_required() =>
        Assert.Throws<ArgumentNullException>(() => new RetryDefinition(null!));
}

using Aspects.Batching;
using Aspects.Policies;

namespace Aspects.Tests.Batching;

/// <summary>The one static field of a <c>[Batched]</c> method: its name, its attribute's values and its optional policy.</summary>
public sealed class BatchDefinitionTests
{
    private static readonly BatchingSettings Attribute = new(maxBatchSize: 50, maxDelayMilliseconds: 7, throwOnMissingKey: true);

    [Fact]
    public void Without_a_policy_it_resolves_to_its_own_settings_instance()
    {
        var definition = new BatchDefinition("Shop.Catalog.GetStock", Attribute);

        Assert.Null(definition.Policy);
        Assert.Same(Attribute, definition.Resolve(new AspectRuntime()));
        Assert.Same(Attribute, definition.Resolve(new AspectRuntime(new AspectRuntimeOptions { Policies = { Batching = { ["stock"] = new BatchingPolicy { MaxBatchSize = 2 } } } })));
    }

    [Fact]
    public void With_a_policy_it_lays_the_policy_over_the_attribute_values_until_the_policies_change()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions
        {
            Policies = { Batching = { ["stock"] = new BatchingPolicy { MaxBatchSize = 2, MaxQueuedBatches = 8 } } },
        });
        var definition = new BatchDefinition("Shop.Catalog.GetStock", Attribute, policy: "stock");

        var first = definition.Resolve(runtime);

        Assert.Equal("stock", definition.Policy);
        Assert.Equal((2, 7, true, 16, 8), (first.MaxBatchSize, first.MaxDelayMilliseconds, first.ThrowOnMissingKey, first.MaxConcurrentBatches, first.MaxQueuedBatches));
        Assert.Same(first, definition.Resolve(runtime));

        runtime.UpdatePolicies(new AspectPolicies { Batching = { ["stock"] = new BatchingPolicy { MaxDelayMilliseconds = 0 } } });
        var second = definition.Resolve(runtime);

        Assert.Equal((50, 0, true), (second.MaxBatchSize, second.MaxDelayMilliseconds, second.ThrowOnMissingKey));
    }

    [Fact]
    public void With_a_policy_nothing_defines_it_resolves_to_the_attribute_values()
    {
        var definition = new BatchDefinition("Shop.Catalog.GetStock", Attribute, policy: "missing");

        Assert.Same(Attribute, definition.Resolve(new AspectRuntime()));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("Shop.Catalog.GetStock", "")]
    [InlineData("Shop.Catalog.GetStock", " ")]
    public void Empty_names_are_rejected(string methodName, string? policy) =>
        Assert.ThrowsAny<ArgumentException>(() => new BatchDefinition(methodName, Attribute, policy));

    [Fact]
    public void The_runtime_names_the_batcher_after_the_definition()
    {
        var batcher = new AspectRuntime().CreateMicroBatcher<int, int>(
            new BatchDefinition("Shop.Catalog.GetStock", Attribute),
            static (keys, _) => Task.FromResult<IReadOnlyDictionary<int, int>>(keys.ToDictionary(k => k)));

        Assert.Equal("Shop.Catalog.GetStock", batcher.Name);
    }
}

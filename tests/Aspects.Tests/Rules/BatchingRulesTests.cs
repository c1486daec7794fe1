using System.Globalization;
using System.Reflection;
using Aspects.Batching;
using Aspects.Policies;
using Aspects.Rules;

namespace Aspects.Tests.Rules;

/// <summary>
/// <see cref="BatchingRules"/> is the one source of the <c>[Batched]</c> names, defaults and rules: the attribute,
/// the runtime's settings and definition, and the policy agree with it (the generator's side is proven in
/// <c>Aspects.Generators.Tests.BatchDefinitionTests</c>).
/// </summary>
public sealed class BatchingRulesTests
{
    private static readonly string[] AllNames =
    [
        BatchingRules.MaxBatchSize, BatchingRules.MaxDelayMilliseconds, BatchingRules.ThrowOnMissingKey,
        BatchingRules.MaxConcurrentBatches, BatchingRules.MaxQueuedBatches,
    ];

    // The int settings, each with its rule and how the settings constructor takes it.
    public static TheoryData<string> IntSettings => new()
    {
        BatchingRules.MaxBatchSize, BatchingRules.MaxDelayMilliseconds, BatchingRules.MaxConcurrentBatches, BatchingRules.MaxQueuedBatches,
    };

    [Fact]
    public void Attribute_rules_settings_and_definition_defaults_are_the_same()
    {
        var attribute = new BatchedAttribute();
        var settings = new BatchingSettings();
        var runtime = new AspectRuntime();
        var plain = new BatchDefinition("Shop.Catalog.GetStock", settings).Resolve(runtime);

        Assert.Equal(BatchingRules.DefaultMaxBatchSize, attribute.MaxBatchSize);
        Assert.Equal(BatchingRules.DefaultMaxDelayMilliseconds, attribute.MaxDelayMilliseconds);
        Assert.Equal(BatchingRules.DefaultThrowOnMissingKey, attribute.ThrowOnMissingKey);
        Assert.Null(attribute.Policy);
        foreach (var effective in new[] { settings, plain })
        {
            Assert.Equal(BatchingRules.DefaultMaxBatchSize, effective.MaxBatchSize);
            Assert.Equal(BatchingRules.DefaultMaxDelayMilliseconds, effective.MaxDelayMilliseconds);
            Assert.Equal(BatchingRules.DefaultThrowOnMissingKey, effective.ThrowOnMissingKey);
            Assert.Equal(BatchingRules.DefaultMaxConcurrentBatches, effective.MaxConcurrentBatches);
            Assert.Equal(BatchingRules.DefaultMaxQueuedBatches, effective.MaxQueuedBatches);
        }
    }

    [Fact]
    public void A_policy_that_sets_nothing_keeps_the_attribute_defaults()
    {
        var attribute = new BatchedAttribute();
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { Batching = { ["stock"] = new BatchingPolicy() } } });
        var definition = new BatchDefinition(
            "Shop.Catalog.GetStock",
            new BatchingSettings(attribute.MaxBatchSize, attribute.MaxDelayMilliseconds, attribute.ThrowOnMissingKey),
            policy: "stock");

        var effective = definition.Resolve(runtime);

        Assert.Equal(BatchingRules.DefaultMaxBatchSize, effective.MaxBatchSize);
        Assert.Equal(BatchingRules.DefaultMaxDelayMilliseconds, effective.MaxDelayMilliseconds);
        Assert.Equal(BatchingRules.DefaultThrowOnMissingKey, effective.ThrowOnMissingKey);
        Assert.Equal(BatchingRules.DefaultMaxConcurrentBatches, effective.MaxConcurrentBatches);
        Assert.Equal(BatchingRules.DefaultMaxQueuedBatches, effective.MaxQueuedBatches);
    }

    [Fact]
    public void Documented_defaults_are_the_rules_defaults()
    {
        Assert.Equal(100, BatchingRules.DefaultMaxBatchSize);
        Assert.Equal(2, BatchingRules.DefaultMaxDelayMilliseconds);
        Assert.False(BatchingRules.DefaultThrowOnMissingKey);
        Assert.Equal(16, BatchingRules.DefaultMaxConcurrentBatches);
        Assert.Equal(1024, BatchingRules.DefaultMaxQueuedBatches);
    }

    [Fact]
    public void Each_name_is_its_own_constant_name()
    {
        var names = typeof(BatchingRules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToList();

        Assert.Equal(AllNames.Order(), names.Select(f => f.Name).Order());
        Assert.All(names, f => Assert.Equal(f.Name, f.GetRawConstantValue()));
    }

    [Fact]
    public void Attribute_policy_and_settings_properties_are_the_rules_names()
    {
        Assert.Equal(
            new[] { BatchingRules.MaxBatchSize, BatchingRules.MaxDelayMilliseconds, BatchingRules.ThrowOnMissingKey, nameof(BatchedAttribute.Policy) }.Order(),
            PublicProperties(typeof(BatchedAttribute)).Where(p => p != nameof(Attribute.TypeId)).Order());
        Assert.Equal(AllNames.Order(), PublicProperties(typeof(BatchingPolicy)).Order());
        Assert.Equal(AllNames.Order(), PublicProperties(typeof(BatchingSettings)).Order());
    }

    [Fact]
    public void Every_default_passes_its_rule()
    {
        Assert.Null(BatchingRules.CheckMaxBatchSize(BatchingRules.DefaultMaxBatchSize));
        Assert.Null(BatchingRules.CheckMaxDelayMilliseconds(BatchingRules.DefaultMaxDelayMilliseconds));
        Assert.Null(BatchingRules.CheckMaxConcurrentBatches(BatchingRules.DefaultMaxConcurrentBatches));
        Assert.Null(BatchingRules.CheckMaxQueuedBatches(BatchingRules.DefaultMaxQueuedBatches));
    }

    [Theory]
    [InlineData(BatchingRules.MaxBatchSize, 1, 0)]
    [InlineData(BatchingRules.MaxDelayMilliseconds, 0, -1)]
    [InlineData(BatchingRules.MaxConcurrentBatches, 1, 0)]
    [InlineData(BatchingRules.MaxQueuedBatches, 1, 0)]
    public void Each_rule_draws_its_line_at_the_documented_minimum(string setting, int smallestValid, int largestInvalid)
    {
        Assert.Null(Check(setting, smallestValid));
        Assert.NotNull(Check(setting, largestInvalid));
    }

    [Theory]
    [MemberData(nameof(IntSettings))]
    public void Settings_constructor_and_policy_validation_apply_the_rule_with_its_wording(string setting)
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        int[] edges = [int.MinValue, -1024, -2, -1, 0, 1, 2, 16, 1024, int.MaxValue];
        foreach (var value in edges.Concat(Enumerable.Range(0, 200).Select(_ => random.Next(-2000, 2000))))
        {
            var why = Check(setting, value);
            var context = $"{setting} = {value} (seed {seed})";

            var errors = new List<string>();
            Policy(setting, value).Validate("Aspects:Batching:stock", errors);
            var thrown = Record.Exception(() => Settings(setting, value));

            if (why is null)
            {
                Assert.True(errors.Count == 0, context + ": the policy rejected a value the rule accepts: " + string.Join(" | ", errors));
                Assert.True(thrown is null, context + ": the settings rejected a value the rule accepts: " + thrown);
            }
            else
            {
                var expected = $"{setting} = {value.ToString(CultureInfo.InvariantCulture)} is invalid: {why}.";
                Assert.True(errors.SequenceEqual([$"Aspects:Batching:stock:{expected}"]), context + ": policy said " + string.Join(" | ", errors));
                var outOfRange = Assert.IsType<ArgumentOutOfRangeException>(thrown);
                Assert.True(outOfRange.Message.StartsWith(expected, StringComparison.Ordinal), context + ": settings said " + outOfRange.Message);
                Assert.Equal(char.ToLowerInvariant(setting[0]) + setting[1..], outOfRange.ParamName);
            }
        }
    }

    private static string? Check(string setting, int value) => setting switch
    {
        BatchingRules.MaxBatchSize => BatchingRules.CheckMaxBatchSize(value),
        BatchingRules.MaxDelayMilliseconds => BatchingRules.CheckMaxDelayMilliseconds(value),
        BatchingRules.MaxConcurrentBatches => BatchingRules.CheckMaxConcurrentBatches(value),
        BatchingRules.MaxQueuedBatches => BatchingRules.CheckMaxQueuedBatches(value),
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "not an int setting"),
    };

    private static BatchingPolicy Policy(string setting, int value) => setting switch
    {
        BatchingRules.MaxBatchSize => new BatchingPolicy { MaxBatchSize = value },
        BatchingRules.MaxDelayMilliseconds => new BatchingPolicy { MaxDelayMilliseconds = value },
        BatchingRules.MaxConcurrentBatches => new BatchingPolicy { MaxConcurrentBatches = value },
        BatchingRules.MaxQueuedBatches => new BatchingPolicy { MaxQueuedBatches = value },
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "not an int setting"),
    };

    private static BatchingSettings Settings(string setting, int value) => setting switch
    {
        BatchingRules.MaxBatchSize => new BatchingSettings(maxBatchSize: value),
        BatchingRules.MaxDelayMilliseconds => new BatchingSettings(maxDelayMilliseconds: value),
        BatchingRules.MaxConcurrentBatches => new BatchingSettings(maxConcurrentBatches: value),
        BatchingRules.MaxQueuedBatches => new BatchingSettings(maxQueuedBatches: value),
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "not an int setting"),
    };

    private static IEnumerable<string> PublicProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name);
}

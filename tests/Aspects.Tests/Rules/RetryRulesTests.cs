using System.Reflection;
using Aspects.Policies;
using Aspects.Retrying;
using Aspects.Rules;

namespace Aspects.Tests.Rules;

/// <summary>
/// <see cref="RetryRules"/> is the one source of the [Retry] settings' names, defaults and rules: the attribute, the
/// policy, the settings and the definition agree with it (the generator's side: Aspects.Generators.Tests' RetryDefaultsTests).
/// </summary>
public sealed class RetryRulesTests
{
    private static readonly string[] SettingNames =
        [RetryRules.MaxAttempts, RetryRules.DelayMilliseconds, RetryRules.MaxDelayMilliseconds, RetryRules.Backoff, RetryRules.Jitter];

    [Fact]
    public void The_attribute_the_rules_the_settings_and_a_definition_without_a_policy_have_the_same_defaults()
    {
        var attribute = new RetryAttribute();
        var settings = new RetrySettings();
        var resolved = new RetryDefinition(new RetrySettings()).Resolve(new AspectRuntime());

        foreach (var runtimeDefault in new[] { settings, resolved })
        {
            Assert.Equal(RetryRules.DefaultMaxAttempts, attribute.MaxAttempts);
            Assert.Equal(RetryRules.DefaultMaxAttempts, runtimeDefault.MaxAttempts);
            Assert.Equal(RetryRules.DefaultDelayMilliseconds, attribute.DelayMilliseconds);
            Assert.Equal(RetryRules.DefaultDelayMilliseconds, runtimeDefault.DelayMilliseconds);
            Assert.Equal(RetryRules.DefaultMaxDelayMilliseconds, attribute.MaxDelayMilliseconds);
            Assert.Equal(RetryRules.DefaultMaxDelayMilliseconds, runtimeDefault.MaxDelayMilliseconds);
            Assert.Equal(RetryRules.BackoffNames[RetryRules.DefaultBackoff], attribute.Backoff.ToString());
            Assert.Equal(RetryRules.BackoffNames[RetryRules.DefaultBackoff], runtimeDefault.Backoff.ToString());
            Assert.Equal(RetryRules.DefaultJitter, attribute.Jitter);
            Assert.Equal(RetryRules.DefaultJitter, runtimeDefault.Jitter);
        }

        // The values the documentation promises (docs/aspects.md).
        Assert.Equal((3, 200, 30_000, RetryBackoff.Exponential, true), (attribute.MaxAttempts, attribute.DelayMilliseconds, attribute.MaxDelayMilliseconds, attribute.Backoff, attribute.Jitter));
    }

    [Fact]
    public void Every_default_of_the_attribute_is_the_settings_default_of_the_same_name()
    {
        var attribute = new RetryAttribute();
        var settings = new RetrySettings();

        foreach (var name in SettingNames)
        {
            Assert.Equal(Property(typeof(RetryAttribute), name).GetValue(attribute), Property(typeof(RetrySettings), name).GetValue(settings));
        }
    }

    [Fact]
    public void The_attribute_the_policy_and_the_settings_name_their_settings_as_the_rules_do()
    {
        var ruleNames = typeof(RetryRules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order()
            .ToList();

        Assert.Equal([.. SettingNames.Order()], ruleNames);
        Assert.Equal(ruleNames, Names(typeof(RetryPolicy)));
        Assert.Equal(ruleNames, Names(typeof(RetrySettings)));

        // The attribute adds what a policy cannot override: the handled exception types and the policy name itself.
        Assert.Equal([.. ruleNames.Append(nameof(RetryAttribute.Handle)).Append(nameof(RetryAttribute.Policy)).Order()], Names(typeof(RetryAttribute)));
    }

    [Fact]
    public void The_backoff_names_are_the_enum_members_in_declaration_order()
    {
        Assert.Equal(Enum.GetNames<RetryBackoff>(), RetryRules.BackoffNames);
        Assert.Equal(Enumerable.Range(0, RetryRules.BackoffNames.Count), Enum.GetValues<RetryBackoff>().Select(b => (int)b));
        Assert.Equal("Constant, Linear or Exponential", RetryRules.BackoffChoices);
    }

    [Fact]
    public void Each_rule_draws_its_line_where_the_documentation_says()
    {
        Assert.NotNull(RetryRules.CheckMaxAttempts(0));
        Assert.Null(RetryRules.CheckMaxAttempts(1));
        Assert.NotNull(RetryRules.CheckDelayMilliseconds(-1));
        Assert.Null(RetryRules.CheckDelayMilliseconds(0));
        Assert.NotNull(RetryRules.CheckMaxDelayMilliseconds(-1, delayMilliseconds: null));
        Assert.Null(RetryRules.CheckMaxDelayMilliseconds(0, delayMilliseconds: null));
        Assert.Equal("it caps every delay, so it must be at least DelayMilliseconds (500)", RetryRules.CheckMaxDelayMilliseconds(499, 500));
        Assert.Null(RetryRules.CheckMaxDelayMilliseconds(500, 500));
        Assert.NotNull(RetryRules.CheckBackoff(-1));
        Assert.NotNull(RetryRules.CheckBackoff(RetryRules.BackoffNames.Count));
        Assert.All(Enum.GetValues<RetryBackoff>(), b => Assert.Null(RetryRules.CheckBackoff((int)b)));
    }

    [Fact]
    public void The_policy_and_the_settings_reject_exactly_what_the_rules_reject_with_the_rules_words()
    {
        // Values around every boundary and the extremes, for each setting; the seed is printed on failure.
        var seed = Environment.TickCount;
        var random = new Random(seed);
        int[] edges = [int.MinValue, -2, -1, 0, 1, 2, 3, 500, int.MaxValue];
        var values = edges.Concat(Enumerable.Range(0, 200).Select(_ => random.Next(-1_000, 100_000))).ToList();

        foreach (var value in values)
        {
            var context = $"value {value} (seed {seed})";
            Agrees(RetryRules.MaxAttempts, value, RetryRules.CheckMaxAttempts(value), new RetryPolicy { MaxAttempts = value }, () => new RetrySettings(maxAttempts: value), context);
            Agrees(RetryRules.DelayMilliseconds, value, RetryRules.CheckDelayMilliseconds(value), new RetryPolicy { DelayMilliseconds = value }, () => new RetrySettings(delayMilliseconds: value, maxDelayMilliseconds: int.MaxValue), context);
            Agrees(RetryRules.MaxDelayMilliseconds, value, RetryRules.CheckMaxDelayMilliseconds(value, null), new RetryPolicy { MaxDelayMilliseconds = value }, () => new RetrySettings(delayMilliseconds: 0, maxDelayMilliseconds: value), context);
            Agrees(RetryRules.Backoff, (RetryBackoff)value, RetryRules.CheckBackoff(value), new RetryPolicy { Backoff = (RetryBackoff)value }, () => new RetrySettings(backoff: (RetryBackoff)value), context);

            // The cap below the base delay: a policy that sets both is rejected; the effective settings (a policy that
            // sets only one of them over the attribute's other) cap every delay.
            var delay = Math.Abs(value % 10_000);
            var errors = new List<string>();
            new RetryPolicy { DelayMilliseconds = delay, MaxDelayMilliseconds = delay - 1 }.Validate("Aspects:Retry:p", errors);
            Assert.Equal([$"Aspects:Retry:p:MaxDelayMilliseconds = {delay - 1} is invalid: {RetryRules.CheckMaxDelayMilliseconds(delay - 1, delay)}."], errors);
        }
    }

    private static void Agrees(string key, object value, string? why, RetryPolicy policy, Func<RetrySettings> create, string context)
    {
        var errors = new List<string>();
        policy.Validate("Aspects:Retry:p", errors);
        var expected = $"{key} = {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)} is invalid: {why}.";
        if (why is null)
        {
            Assert.True(errors.Count == 0, $"{key}: the policy rejected {context}: {string.Join(" ", errors)}");
            create();
            return;
        }

        Assert.True(errors.SequenceEqual(["Aspects:Retry:p:" + expected]), $"{key}: the policy said [{string.Join(" ", errors)}] for {context}");
        var exception = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.True(exception.Message.StartsWith(expected, StringComparison.Ordinal), $"{key}: the settings said '{exception.Message}' for {context}");
    }

    private static PropertyInfo Property(Type type, string name) =>
        type.GetProperty(name) ?? throw new InvalidOperationException($"{type.Name} has no property {name}.");

    private static List<string> Names(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(p => p.Name).Order()];
}

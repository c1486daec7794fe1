using System.Reflection;
using Aspects.Caching;
using Aspects.Policies;
using Aspects.Rules;

namespace Aspects.Tests.Rules;

/// <summary>
/// <see cref="CacheRules"/> is the one source of <c>[Cached]</c>'s names, defaults and rules: the attribute, the runtime's
/// settings and policies, and the generator (Aspects.Generators.Tests, <c>CacheRulesGeneratorTests</c>) agree with it.
/// </summary>
public sealed class CacheRulesTests
{
    [Fact]
    public void The_attribute_the_rules_and_the_runtime_have_the_same_defaults()
    {
        var attribute = new CachedAttribute();
        var settings = new CacheSettings();

        Assert.Equal(CacheRules.DefaultDurationSeconds, attribute.DurationSeconds);
        Assert.Equal(CacheRules.DefaultDurationSeconds, settings.DurationSeconds);
        Assert.Equal(CacheRules.DefaultLocalDurationSeconds, attribute.LocalDurationSeconds);
        Assert.Equal(CacheRules.DefaultLocalDurationSeconds, settings.LocalDurationSeconds);
        Assert.Empty(attribute.Tags);
        Assert.Null(attribute.Policy);
    }

    [Fact]
    public void A_policy_that_sets_nothing_leaves_the_definitions_own_settings()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { Cache = { ["empty"] = new CachePolicy() } } });
        var definition = new CacheDefinition("Tests.Rules.Cache.Empty", new CacheSettings(), [], policy: "empty");

        var withoutPolicy = new CacheDefinition("Tests.Rules.Cache.None", new CacheSettings(), []);

        Assert.Same(definition.Settings, definition.Resolve(runtime.PolicyStore));
        Assert.Same(withoutPolicy.Settings, withoutPolicy.Resolve(runtime.PolicyStore));
    }

    // Named inputs of "0 means min(duration, 60 s); never more than the duration", each with its right answer.
    [Theory]
    [InlineData(300, 0, 60)]
    [InlineData(300, 1, 1)]
    [InlineData(300, 59, 59)]
    [InlineData(300, 60, 60)]
    [InlineData(300, 61, 61)]
    [InlineData(30, 0, 30)]
    [InlineData(30, 45, 30)]
    [InlineData(59, 0, 59)]
    [InlineData(60, 0, 60)]
    [InlineData(61, 0, 60)]
    [InlineData(1, 0, 1)]
    [InlineData(20, 90, 20)]
    public void The_local_duration_rule_gives_the_same_lifetime_everywhere(int durationSeconds, int localDurationSeconds, int expectedSeconds)
    {
        Assert.Equal(expectedSeconds, CacheRules.LocalSecondsOf(durationSeconds, localDurationSeconds));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), new CacheSettings(durationSeconds, localDurationSeconds).LocalDuration);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), PolicyResolved(durationSeconds, localDurationSeconds).LocalDuration);
    }

    [Fact]
    public void The_local_duration_rule_matches_its_reference_model_on_random_inputs()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var i = 0; i < 2_000; i++)
        {
            var duration = random.Next(2) == 0 ? random.Next(1, 130) : random.Next(1, 1_000_000);
            var local = random.Next(3) == 0 ? 0 : random.Next(0, 2 * duration + 2);
            var expected = local == 0 ? Math.Min(duration, 60) : Math.Min(local, duration);

            var actual = new CacheSettings(duration, local).LocalDuration;

            Assert.True(
                actual == TimeSpan.FromSeconds(expected),
                $"seed {seed}: DurationSeconds = {duration}, LocalDurationSeconds = {local} gave {actual.TotalSeconds} s, expected {expected} s.");
        }
    }

    [Fact]
    public void A_policy_that_changes_only_the_duration_derives_the_default_local_duration_from_it()
    {
        // The attribute says LocalDurationSeconds = 0 (the default); the policy's 300 s makes that min(300, 60).
        var definition = new CacheDefinition("Tests.Rules.Cache.Longer", new CacheSettings(20), [], policy: "longer");
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { Cache = { ["longer"] = new CachePolicy { DurationSeconds = 300 } } } });

        var settings = definition.Resolve(runtime.PolicyStore);

        Assert.Equal((TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(60)), (settings.Duration, settings.LocalDuration));
        Assert.Equal(TimeSpan.FromSeconds(20), definition.Settings.LocalDuration);
    }

    [Theory]
    [InlineData(0, 0, "durationSeconds", "DurationSeconds = 0 is invalid: an entry lives at least 1 second, so it must be at least 1.")]
    [InlineData(-5, 0, "durationSeconds", "DurationSeconds = -5 is invalid: an entry lives at least 1 second, so it must be at least 1.")]
    [InlineData(10, -1, "localDurationSeconds", "LocalDurationSeconds = -1 is invalid: use 0 for the default min(DurationSeconds, 60), or a number of seconds.")]
    public void Settings_out_of_range_fail_naming_the_setting_with_the_rules_reason(int duration, int local, string parameter, string message)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new CacheSettings(duration, local));

        Assert.Equal(parameter, exception.ParamName);
        Assert.StartsWith(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policies_out_of_range_fail_with_the_same_reason()
    {
        var options = new AspectRuntimeOptions
        {
            Policies = { Cache = { ["bad"] = new CachePolicy { DurationSeconds = 0, LocalDurationSeconds = -1 } } },
        };

        var exception = Assert.Throws<ArgumentException>(() => new AspectRuntime(options));

        Assert.Contains(":bad:DurationSeconds = 0 is invalid: " + CacheRules.CheckDurationSeconds(0) + ".", exception.Message, StringComparison.Ordinal);
        Assert.Contains(":bad:LocalDurationSeconds = -1 is invalid: " + CacheRules.CheckLocalDurationSeconds(-1) + ".", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(0, 0, false)]
    [InlineData(5, 5, true)]
    [InlineData(5, 6, false)]
    [InlineData(5, -1, false)]
    public void The_rules_accept_exactly_the_valid_attribute_values(int duration, int local, bool valid)
    {
        var why = CacheRules.CheckDurationSeconds(duration) ?? CacheRules.CheckLocalDurationSeconds(local) ?? CacheRules.CheckLocalWithinDuration(local, duration);

        Assert.Equal(valid, why is null);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void A_blank_tag_is_refused_by_the_rule_and_by_the_definition(string? tag)
    {
        Assert.NotNull(CacheRules.CheckTag(tag));

        var exception = Assert.Throws<ArgumentException>(() => new CacheDefinition("Tests.Rules.Cache.Tags", new CacheSettings(), ["ok", tag!]));

        Assert.Contains(CacheRules.CheckTag(tag)!, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_attribute_the_policy_the_settings_and_the_rules_name_the_settings_alike()
    {
        var names = typeof(CacheRules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        Assert.Equal([CacheRules.DurationSeconds, CacheRules.LocalDurationSeconds, CacheRules.Tags], names.Order());

        foreach (var name in names)
        {
            Assert.NotNull(typeof(CachedAttribute).GetProperty(name));
        }

        var overridable = typeof(CachePolicy).GetProperties().Select(p => p.Name).ToList();
        Assert.Equal([CacheRules.DurationSeconds, CacheRules.LocalDurationSeconds], overridable.Order());
        foreach (var name in overridable)
        {
            Assert.NotNull(typeof(CacheSettings).GetProperty(name));
        }

        // The settings' constructor parameters are the same names in camel case, which generated code writes as named arguments.
        var parameters = typeof(CacheSettings).GetConstructors().Single().GetParameters().Select(p => p.Name).ToList();
        Assert.Equal(overridable.Select(n => char.ToLowerInvariant(n[0]) + n[1..]), parameters);
    }

    private static CacheSettings PolicyResolved(int durationSeconds, int localDurationSeconds)
    {
        // The attribute's values are left at their defaults; the policy brings the pair under test.
        var definition = new CacheDefinition("Tests.Rules.Cache.Policy", new CacheSettings(), [], policy: "p");
        var runtime = new AspectRuntime(new AspectRuntimeOptions
        {
            Policies = { Cache = { ["p"] = new CachePolicy { DurationSeconds = durationSeconds, LocalDurationSeconds = localDurationSeconds } } },
        });
        return definition.Resolve(runtime.PolicyStore);
    }
}

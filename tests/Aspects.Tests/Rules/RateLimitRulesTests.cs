using System.Globalization;
using System.Reflection;
using Aspects.Policies;
using Aspects.RateLimiting;
using Aspects.Rules;

namespace Aspects.Tests.Rules;

/// <summary>
/// <see cref="RateLimitRules"/> is the one source of the [RateLimited] settings: the attribute's defaults, the runtime's
/// types and their rules agree with it (the generator's side is Aspects.Generators.Tests' RateLimitDefaultsTests).
/// </summary>
public class RateLimitRulesTests
{
    [Fact]
    public void The_attribute_defaults_are_the_rules_defaults()
    {
        var attribute = new RateLimitedAttribute();

        Assert.Equal(RateLimitRules.DefaultPermitsPerSecond, attribute.PermitsPerSecond);
        Assert.Equal(RateLimitRules.DefaultBurst, attribute.Burst);
        Assert.Equal(RateLimitRules.DefaultMode, (int)attribute.Mode);
        Assert.Equal(RateLimitRules.DefaultMaxWaitMilliseconds, attribute.MaxWaitMilliseconds);
        Assert.Equal(RateLimitRules.DefaultScope, (int)attribute.Scope);
        Assert.Equal(nameof(RateLimitMode.Wait), RateLimitRules.ModeNames[RateLimitRules.DefaultMode]);
        Assert.Equal(nameof(RateLimitScope.Local), RateLimitRules.ScopeNames[RateLimitRules.DefaultScope]);
    }

    [Fact]
    public void A_definition_without_a_policy_runs_with_the_attribute_defaults()
    {
        var attribute = new RateLimitedAttribute { PermitsPerSecond = 2.5 };
        var runtime = new AspectRuntime(new AspectRuntimeOptions());
        var definition = new RateLimitDefinition("defaults", new RateLimitSettings(attribute.PermitsPerSecond, attribute.Burst, attribute.Mode, attribute.MaxWaitMilliseconds), attribute.Scope);

        var settings = definition.Resolve(runtime);
        var limiter = definition.Limiter(runtime);

        Assert.Equal(RateLimitRules.DefaultMode, (int)settings.Mode);
        Assert.Equal(RateLimitRules.DefaultMaxWaitMilliseconds, settings.MaxWaitMilliseconds);
        Assert.Equal(TimeSpan.FromMilliseconds(RateLimitRules.DefaultMaxWaitMilliseconds), settings.MaxWait);
        Assert.Equal((2.5, 3), (limiter.PermitsPerSecond, limiter.Burst));
        Assert.IsType<TokenBucket>(limiter);
    }

    [Fact]
    public void A_policy_that_sets_nothing_leaves_the_attribute_values()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Policies = { RateLimits = { ["empty"] = new RateLimitPolicy() } } });
        var defaults = new RateLimitSettings(7, RateLimitRules.DefaultBurst, (RateLimitMode)RateLimitRules.DefaultMode, RateLimitRules.DefaultMaxWaitMilliseconds);

        var settings = new RateLimitDefinition("empty-policy", defaults, RateLimitScope.Local, policy: "empty").Resolve(runtime);

        Assert.Equal((7d, 7, RateLimitMode.Wait, RateLimitRules.DefaultMaxWaitMilliseconds), (settings.PermitsPerSecond, settings.Burst, settings.Mode, settings.MaxWaitMilliseconds));
    }

    [Fact]
    public void The_attribute_the_policy_and_the_rules_name_the_same_settings()
    {
        string[] policyNames = [RateLimitRules.PermitsPerSecond, RateLimitRules.Burst, RateLimitRules.Mode, RateLimitRules.MaxWaitMilliseconds];
        string[] attributeNames = [RateLimitRules.Name, .. policyNames, RateLimitRules.Scope, "Policy"];

        Assert.Equal(attributeNames.Order(), PublicProperties<RateLimitedAttribute>().Where(p => p != "TypeId").Order());
        Assert.Equal(policyNames.Order(), PublicProperties<RateLimitPolicy>().Order());

        // The settings constructor (which generated code calls with named arguments) takes the policy's settings, in order.
        var parameters = typeof(RateLimitSettings).GetConstructors().Single().GetParameters().Select(p => p.Name!);
        Assert.Equal(policyNames, parameters.Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        foreach (var name in policyNames)
        {
            Assert.NotNull(typeof(RateLimitSettings).GetProperty(name));
        }
    }

    [Fact]
    public void The_enum_names_are_the_runtime_enums_in_declaration_order()
    {
        Assert.Equal(Enum.GetNames<RateLimitMode>(), RateLimitRules.ModeNames);
        Assert.Equal(Enum.GetNames<RateLimitScope>(), RateLimitRules.ScopeNames);
        Assert.Equal(Enumerable.Range(0, RateLimitRules.ModeNames.Length), Enum.GetValues<RateLimitMode>().Select(m => (int)m));
        Assert.Equal(Enumerable.Range(0, RateLimitRules.ScopeNames.Length), Enum.GetValues<RateLimitScope>().Select(s => (int)s));
    }

    [Fact]
    public void The_registry_exposes_the_rules_highest_rate()
    {
        Assert.Equal(RateLimitRules.MaxPermitsPerSecond, RateLimiterRegistry.MaxPermitsPerSecond);
    }

    // Every rate the rule accepts, the settings, a policy and the registry accept; every rate it rejects, all three reject
    // with the rule's reason (one wording everywhere).
    [Theory]
    [InlineData(1e-9)]
    [InlineData(0.5)]
    [InlineData(2.5)]
    [InlineData(1e9)]
    [InlineData(0d)]
    [InlineData(-1d)]
    [InlineData(1e9 + 1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.Epsilon)]
    public void Every_place_applies_the_one_rate_rule(double rate)
    {
        var why = RateLimitRules.CheckPermitsPerSecond(rate);
        Assert.Equal(rate > 0 && rate <= 1e9, why is null);

        var settings = Record.Exception(() => new RateLimitSettings(rate, 0, RateLimitMode.Wait, 0));
        var registry = Record.Exception(() => new AspectRuntime(new AspectRuntimeOptions()).RateLimiters.GetOrCreate("rate", rate, 1, RateLimitScope.Local));
        var errors = new List<string>();
        new RateLimitPolicy { PermitsPerSecond = rate }.Validate("Aspects:RateLimits:p", errors);

        if (why is null)
        {
            Assert.Null(settings);
            Assert.Null(registry);
            Assert.Empty(errors);
            return;
        }

        var text = Convert.ToString(rate, CultureInfo.InvariantCulture);
        Assert.StartsWith($"PermitsPerSecond = {text} is invalid: {why}.", Assert.IsType<ArgumentOutOfRangeException>(settings).Message, StringComparison.Ordinal);
        Assert.StartsWith($"PermitsPerSecond of rate limiter 'rate' = {text} is invalid: {why}.", Assert.IsType<ArgumentOutOfRangeException>(registry).Message, StringComparison.Ordinal);
        Assert.Equal($"Aspects:RateLimits:p:PermitsPerSecond = {text} is invalid: {why}.", Assert.Single(errors));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Every_place_applies_the_one_burst_and_wait_rules(int value)
    {
        var errors = new List<string>();
        new RateLimitPolicy { Burst = value, MaxWaitMilliseconds = value }.Validate("p", errors);

        Assert.Equal(
            [$"p:Burst = {value} is invalid: {RateLimitRules.CheckBurst(value)}.", $"p:MaxWaitMilliseconds = {value} is invalid: {RateLimitRules.CheckMaxWaitMilliseconds(value)}."],
            errors);
        Assert.Equal("burst", Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitSettings(1, value, RateLimitMode.Wait, 0)).ParamName);
        Assert.Equal("maxWaitMilliseconds", Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitSettings(1, 0, RateLimitMode.Wait, value)).ParamName);
        Assert.NotNull(RateLimitRules.CheckBurst(value));
        Assert.Null(RateLimitRules.CheckBurst(0));
        Assert.Null(RateLimitRules.CheckMaxWaitMilliseconds(0));
    }

    [Fact]
    public void A_mode_or_scope_outside_the_enum_is_refused_by_the_settings_the_policy_and_the_registry()
    {
        var errors = new List<string>();
        new RateLimitPolicy { Mode = (RateLimitMode)9 }.Validate("p", errors);

        Assert.Equal($"p:Mode = 9 is invalid: {RateLimitRules.CheckMode(9)}.", Assert.Single(errors));
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitSettings(1, 0, (RateLimitMode)9, 0)).ParamName);
        Assert.Equal("scope", Assert.Throws<ArgumentOutOfRangeException>(
            () => new AspectRuntime(new AspectRuntimeOptions()).RateLimiters.GetOrCreatePartitions("s", 1, 1, (RateLimitScope)(-1))).ParamName);
        Assert.Equal("scope", Assert.Throws<ArgumentOutOfRangeException>(
            () => new AspectRuntime(new AspectRuntimeOptions()).RateLimiters.GetOrCreate("s", 1, 1, (RateLimitScope)2)).ParamName);
    }

    // Burst 0 means ceil(rate), at least 1: the settings (and so every bucket) resolve it through the one rule.
    [Theory]
    [InlineData(0.001, 0, 1)]
    [InlineData(0.5, 0, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(2.5, 0, 3)]
    [InlineData(50, 0, 50)]
    [InlineData(1e9, 0, 1_000_000_000)]
    [InlineData(2.5, 7, 7)]
    [InlineData(1e9, 1, 1)]
    public void Burst_zero_follows_the_rate(double rate, int burst, int expected)
    {
        Assert.Equal(expected, RateLimitRules.EffectiveBurst(rate, burst));
        Assert.Equal(expected, new RateLimitSettings(rate, burst, RateLimitMode.Wait, 0).Burst);
    }

    private static IEnumerable<string> PublicProperties<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name);
}

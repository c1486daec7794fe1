using Aspects.Generators.Tests.Infrastructure;
using Aspects.Rules;

namespace Aspects.Generators.Tests;

/// <summary>
/// The generator's defaults of [Retry] are the attribute's (and the runtime's: Aspects.Tests' RetryRulesTests): a bare
/// <c>[Retry]</c> compiles to settings built from exactly the values <c>new RetryAttribute()</c> holds.
/// </summary>
public class RetryDefaultsTests
{
    [Fact]
    public void A_bare_retry_emits_settings_equal_to_the_attribute_and_rules_defaults()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop;

            public sealed partial class Client(AspectRuntime aspects)
            {
                [Retry]
                public partial Task SendAsync();

                private Task SendCoreAsync() => Task.CompletedTask;
            }
            """).ShouldCompileCleanly();
        var attribute = new RetryAttribute();

        var generated = Assert.Single(run.Sources).SourceText.ToString();

        Assert.Equal(RetryRules.DefaultMaxAttempts, attribute.MaxAttempts);
        Assert.Equal(RetryRules.DefaultDelayMilliseconds, attribute.DelayMilliseconds);
        Assert.Equal(RetryRules.DefaultMaxDelayMilliseconds, attribute.MaxDelayMilliseconds);
        Assert.Equal(RetryRules.BackoffNames[RetryRules.DefaultBackoff], attribute.Backoff.ToString());
        Assert.Equal(RetryRules.DefaultJitter, attribute.Jitter);
        Assert.Contains(
            "new global::Aspects.Policies.RetrySettings("
            + $"maxAttempts: {attribute.MaxAttempts}, delayMilliseconds: {attribute.DelayMilliseconds}, maxDelayMilliseconds: {attribute.MaxDelayMilliseconds}, "
            + $"backoff: global::Aspects.RetryBackoff.{attribute.Backoff}, jitter: {(attribute.Jitter ? "true" : "false")}))",
            generated);
    }

    [Fact]
    public void The_generator_knows_the_backoff_members_in_the_runtime_order() =>
        Assert.Equal(Enum.GetNames<RetryBackoff>(), RetryRules.BackoffNames);
}

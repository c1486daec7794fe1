using System.Globalization;
using Aspects.Generators.Tests.Infrastructure;
using Aspects.Rules;

namespace Aspects.Generators.Tests.Rules;

/// <summary>The generator's side of "one source of truth": a bare <c>[Cached]</c> gets the defaults of <see cref="CacheRules"/>.</summary>
public class CacheRulesGeneratorTests
{
    [Fact]
    public void A_bare_Cached_emits_settings_equal_to_the_rules_defaults_and_no_policy()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop;

            public sealed partial class Catalog(AspectRuntime aspects)
            {
                [Cached]
                public partial Task<string> GetAsync(int id);

                private Task<string> GetCoreAsync(int id) => Task.FromResult("");
            }
            """).ShouldCompileCleanly();

        var text = Assert.Single(run.Sources, s => s.HintName.Contains("GetAsync", StringComparison.Ordinal)).SourceText.ToString();
        var expected = string.Create(
            CultureInfo.InvariantCulture,
            $"new global::Aspects.Policies.CacheSettings(durationSeconds: {CacheRules.DefaultDurationSeconds}, localDurationSeconds: {CacheRules.DefaultLocalDurationSeconds})");
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("policy:", text, StringComparison.Ordinal);

        // The wrapper's comment states the derived in-process lifetime from the same rule the runtime uses.
        var local = CacheRules.LocalSecondsOf(CacheRules.DefaultDurationSeconds, CacheRules.DefaultLocalDurationSeconds);
        Assert.Contains(
            string.Create(CultureInfo.InvariantCulture, $"// [Cached] {CacheRules.DefaultDurationSeconds} s, {local} s in process;"), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Named_values_and_a_policy_reach_the_settings_object_as_written()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop;

            public sealed partial class Catalog(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 45, LocalDurationSeconds = 7, Policy = "catalog")]
                public partial Task<string> GetAsync(int id);

                private Task<string> GetCoreAsync(int id) => Task.FromResult("");
            }
            """).ShouldCompileCleanly();

        var text = Assert.Single(run.Sources, s => s.HintName.Contains("GetAsync", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("new global::Aspects.Policies.CacheSettings(durationSeconds: 45, localDurationSeconds: 7)", text, StringComparison.Ordinal);
        Assert.Contains("policy: \"catalog\");", text, StringComparison.Ordinal);
    }
}

using Aspects.Generators.Tests.Infrastructure;
using Aspects.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Tests;

/// <summary>
/// The generator's defaults of [RateLimited] are <see cref="RateLimitRules"/>' (the runtime side is
/// Aspects.Tests' RateLimitRulesTests): what a method leaves unset reaches the emitted settings unchanged.
/// </summary>
public class RateLimitDefaultsTests
{
    private const string Usings = """
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Quotes;

        """;

    [Fact]
    public void A_method_that_sets_only_the_rate_emits_the_rules_defaults_for_everything_else()
    {
        var run = GeneratorHarness.Run(Usings + """
            public static partial class QuoteApi
            {
                [RateLimited(PermitsPerSecond = 5)]
                public static partial Task<int> GetAsync(CancellationToken ct);

                private static Task<int> GetCoreAsync(CancellationToken ct) => Task.FromResult(1);
            }
            """).ShouldCompileCleanly();

        var (settings, definition) = EmittedDefinition(run);

        Assert.Equal(
            [nameof(RateLimitRules.PermitsPerSecond), nameof(RateLimitRules.Burst), nameof(RateLimitRules.Mode), nameof(RateLimitRules.MaxWaitMilliseconds)],
            settings.Keys.Select(k => char.ToUpperInvariant(k[0]) + k[1..]));
        Assert.Equal(5d, settings["permitsPerSecond"]);
        Assert.Equal(RateLimitRules.DefaultBurst, settings["burst"]);
        Assert.Equal(RateLimitRules.DefaultMode, settings["mode"]);
        Assert.Equal(RateLimitRules.DefaultMaxWaitMilliseconds, settings["maxWaitMilliseconds"]);

        // The definition: the bucket name (the method's full name), the settings, the scope; no policy argument.
        Assert.Equal(3, definition.Count);
        Assert.Equal("Quotes.QuoteApi.GetAsync", definition[0]);
        Assert.Equal(RateLimitRules.DefaultScope, definition[2]);
    }

    [Fact]
    public void A_bare_attribute_is_reported_because_the_default_rate_is_no_rate()
    {
        Assert.NotNull(RateLimitRules.CheckPermitsPerSecond(RateLimitRules.DefaultPermitsPerSecond));

        var run = GeneratorHarness.Run(Usings + """
            public static partial class QuoteApi
            {
                [RateLimited]
                public static partial Task<int> GetAsync(CancellationToken ct);

                private static Task<int> GetCoreAsync(CancellationToken ct) => Task.FromResult(1);
            }
            """);

        var error = Assert.Single(run.Diagnostics, d => d.Id == "ASP0007");
        Assert.Equal(
            "[RateLimited] PermitsPerSecond = 0 is invalid: " + RateLimitRules.CheckPermitsPerSecond(RateLimitRules.DefaultPermitsPerSecond),
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("PermitsPerSecond = 1e9 + 1", "PermitsPerSecond")]
    [InlineData("PermitsPerSecond = double.PositiveInfinity", "PermitsPerSecond")]
    [InlineData("PermitsPerSecond = -1", "PermitsPerSecond")]
    [InlineData("PermitsPerSecond = 5, Burst = -1", "Burst")]
    [InlineData("PermitsPerSecond = 5, MaxWaitMilliseconds = -1", "MaxWaitMilliseconds")]
    public void A_value_the_runtime_would_reject_is_reported_at_compile_time(string arguments, string property)
    {
        var run = GeneratorHarness.Run(Usings + """
            public static partial class QuoteApi
            {
                [RateLimited(
            """ + arguments + """
            )]
                public static partial Task<int> GetAsync(CancellationToken ct);

                private static Task<int> GetCoreAsync(CancellationToken ct) => Task.FromResult(1);
            }
            """);

        var error = Assert.Single(run.Diagnostics, d => d.Id == "ASP0007");
        Assert.Contains("] " + property + " = ", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void The_highest_rate_the_runtime_accepts_compiles()
    {
        var run = GeneratorHarness.Run(Usings + """
            public static partial class QuoteApi
            {
                [RateLimited(PermitsPerSecond = 1e9)]
                public static partial Task<int> GetAsync(CancellationToken ct);

                private static Task<int> GetCoreAsync(CancellationToken ct) => Task.FromResult(1);
            }
            """).ShouldCompileCleanly();

        Assert.Equal(RateLimitRules.MaxPermitsPerSecond, EmittedDefinition(run).Settings["permitsPerSecond"]);
    }

    /// <summary>The constant values of the emitted <c>RateLimitSettings</c> (by argument name) and of the definition's arguments.</summary>
    private static (Dictionary<string, object?> Settings, List<object?> Definition) EmittedDefinition(GeneratorRun run)
    {
        var tree = run.Output.SyntaxTrees.Single(t => t.ToString().Contains("__aspectsRateLimit_GetAsync =", StringComparison.Ordinal));
        var model = run.Output.GetSemanticModel(tree);
        var field = tree.GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>().Single(v => v.Identifier.Text == "__aspectsRateLimit_GetAsync");
        var definition = Assert.IsType<ImplicitObjectCreationExpressionSyntax>(field.Initializer!.Value);
        var settings = Assert.IsType<ObjectCreationExpressionSyntax>(definition.ArgumentList.Arguments[1].Expression);
        Assert.Equal("global::Aspects.Policies.RateLimitSettings", settings.Type.ToString());
        return (
            settings.ArgumentList!.Arguments.ToDictionary(a => a.NameColon!.Name.Identifier.Text, a => model.GetConstantValue(a.Expression).Value),
            definition.ArgumentList.Arguments.Select(a => model.GetConstantValue(a.Expression).Value).ToList());
    }
}

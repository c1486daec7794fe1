using System.Globalization;
using Aspects.Generators.Tests.Infrastructure;
using Aspects.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Tests;

/// <summary>
/// Every <c>[Batched]</c> method gets one static <c>BatchDefinition</c> field (its name, its settings as named
/// arguments, its policy when it has one) and the wrapper creates its batcher from that field in both cases.
/// </summary>
public class BatchDefinitionTests
{
    private const string Service = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Inventory;

        public sealed partial class StockService(AspectRuntime aspects)
        {
            [Batched{0}]
            public partial Task<int> GetStockAsync(int productId, CancellationToken ct = default);

            private Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken ct) =>
                Task.FromResult<IReadOnlyDictionary<int, int>>(new Dictionary<int, int>());
        }
        """;

    [Fact]
    public void Bare_Batched_emits_the_rules_defaults_as_its_settings()
    {
        var definition = Definition(string.Empty);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["maxBatchSize"] = BatchingRules.DefaultMaxBatchSize.ToString(CultureInfo.InvariantCulture),
                ["maxDelayMilliseconds"] = BatchingRules.DefaultMaxDelayMilliseconds.ToString(CultureInfo.InvariantCulture),
                ["throwOnMissingKey"] = BatchingRules.DefaultThrowOnMissingKey ? "true" : "false",
            },
            Settings(definition));
    }

    [Fact]
    public void Settings_name_one_argument_per_attribute_setting_with_the_rules_names()
    {
        var names = Settings(Definition(string.Empty)).Keys.Select(n => char.ToUpperInvariant(n[0]) + n[1..]).Order();

        Assert.Equal(new[] { BatchingRules.MaxBatchSize, BatchingRules.MaxDelayMilliseconds, BatchingRules.ThrowOnMissingKey }.Order(), names);
    }

    [Fact]
    public void Definition_without_a_policy_holds_the_name_and_the_attribute_values_only()
    {
        var definition = Definition("(MaxBatchSize = 256, MaxDelayMilliseconds = 0, ThrowOnMissingKey = true)");

        var arguments = definition.ArgumentList!.Arguments;
        Assert.Equal(2, arguments.Count);
        Assert.Equal("\"Inventory.StockService.GetStockAsync\"", arguments[0].Expression.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["maxBatchSize"] = "256", ["maxDelayMilliseconds"] = "0", ["throwOnMissingKey"] = "true" },
            Settings(definition));
    }

    [Fact]
    public void Definition_with_a_policy_names_it_as_its_last_argument()
    {
        var definition = Definition("(MaxBatchSize = 256, MaxDelayMilliseconds = 5, Policy = \"stock\")");

        var arguments = definition.ArgumentList!.Arguments;
        Assert.Equal(3, arguments.Count);
        Assert.Equal("policy", arguments[2].NameColon?.Name.Identifier.Text);
        Assert.Equal("\"stock\"", arguments[2].Expression.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["maxBatchSize"] = "256", ["maxDelayMilliseconds"] = "5", ["throwOnMissingKey"] = "false" },
            Settings(definition));
    }

    [Theory]
    [InlineData("")]
    [InlineData("(Policy = \"stock\")")]
    public void The_batcher_is_created_from_the_definition_field_with_or_without_a_policy(string attribute)
    {
        var root = Generated(attribute);

        var create = Assert.Single(root.DescendantNodes().OfType<InvocationExpressionSyntax>(),
            i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "CreateMicroBatcher" });
        Assert.Equal("__aspectsBatch_GetStockAsync", create.ArgumentList.Arguments[0].Expression.ToString());
        Assert.Equal(2, create.ArgumentList.Arguments.Count);
        Assert.DoesNotContain("MicroBatcherOptions", root.ToString());
        Assert.DoesNotContain("PolicyBinding", root.ToString());
    }

    private static SyntaxNode Generated(string attribute)
    {
        var run = GeneratorHarness.Run(Service.Replace("[Batched{0}]", "[Batched" + attribute + "]", StringComparison.Ordinal)).ShouldCompileCleanly();
        var source = Assert.Single(run.Sources);
        return CSharpSyntaxTree.ParseText(source.SourceText).GetRoot();
    }

    // The initializer of the one BatchDefinition field.
    private static BaseObjectCreationExpressionSyntax Definition(string attribute)
    {
        var field = Assert.Single(Generated(attribute).DescendantNodes().OfType<FieldDeclarationSyntax>(),
            f => f.Declaration.Type.ToString() == "global::Aspects.Batching.BatchDefinition");
        var variable = Assert.Single(field.Declaration.Variables);
        Assert.StartsWith("__aspectsBatch_", variable.Identifier.Text);
        return Assert.IsAssignableFrom<BaseObjectCreationExpressionSyntax>(variable.Initializer?.Value);
    }

    // The settings argument of a definition, by argument name; every argument is named.
    private static Dictionary<string, string> Settings(BaseObjectCreationExpressionSyntax definition)
    {
        var settings = Assert.IsType<ObjectCreationExpressionSyntax>(definition.ArgumentList!.Arguments[1].Expression);
        Assert.Equal("global::Aspects.Policies.BatchingSettings", settings.Type.ToString());
        return settings.ArgumentList!.Arguments.ToDictionary(
            a => a.NameColon?.Name.Identifier.Text ?? throw new Xunit.Sdk.XunitException("Unnamed argument: " + a),
            a => a.Expression.ToString());
    }
}

using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aspects.Generators.Tests;

/// <summary>The pipeline re-runs nothing it does not have to: every named step is cached across unrelated edits.</summary>
public class IncrementalityTests
{
    private const string Service = """
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Shop;

        public partial class CatalogService
        {
            // Keeps the diagnostics step busy: ASP0003, no body method.
            [Retry]
            public partial Task BrokenAsync();

            [Retry(MaxAttempts = 4)]
            public partial Task<int> GetStockAsync(int id, CancellationToken ct = default);
            private Task<int> GetStockCoreAsync(int id, CancellationToken ct) => Task.FromResult(id);

            [Retry]
            public partial void Touch(string key);
            private void TouchCore(string key) { }
        }
        """;

    private const string Unrelated = """
        namespace Shop;

        public class Clock
        {
            public int Now() => 1;
        }
        """;

    private static readonly string[] TrackedSteps = [TrackingNames.MethodsPrefix + "Retry", TrackingNames.Models, TrackingNames.Diagnostics];

    [Fact]
    public void Edit_in_an_unrelated_file_leaves_every_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile(Service, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 1, Unrelated.Replace("=> 1;", "=> 2; // edited"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            AssertAllOutputs(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Edit_inside_a_body_method_reparses_but_does_not_re_emit()
    {
        var compilation = GeneratorHarness.Compile(Service, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 0, Service.Replace("Task.FromResult(id)", "Task.FromResult(id + 1)"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, TrackingNames.Models, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Changing_one_attribute_re_emits_only_that_method()
    {
        var compilation = GeneratorHarness.Compile(Service, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 0, Service.Replace("[Retry(MaxAttempts = 4)]", "[Retry(MaxAttempts = 5)]"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var models = result.TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, models.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, models.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains("maxAttempts: 5,", result.GeneratedSources.Single(s => s.HintName.Contains("GetStockAsync")).SourceText.ToString());
    }

    // The parser caches what the methods of one type share (display names, the runtime expression, body
    // matches) per compilation; an edit elsewhere in the type must still reach every method of it.
    [Fact]
    public void Edit_in_another_part_of_the_type_reaches_the_methods_that_depend_on_it()
    {
        const string Part = """
            namespace Shop;

            public partial class CatalogService
            {
            }
            """;
        var compilation = GeneratorHarness.Compile(Service, Part);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Contains("global::Aspects.AspectRuntime.Default", Source(driver, "GetStockAsync"));

        // A runtime field declared in the other part is what the wrappers use from now on.
        driver = driver.RunGenerators(ReplaceTree(compilation, 1, Part.Replace("{\n}", "{\n    private readonly Aspects.AspectRuntime _aspects = Aspects.AspectRuntime.Default;\n}")));
        Assert.Contains("this._aspects", Source(driver, "GetStockAsync"));
        Assert.Contains("this._aspects", Source(driver, "Touch"));

        // Moving the declaration's body method out of its declaration's part is matched by binding, not by syntax.
        var moved = ReplaceTree(
            ReplaceTree(compilation, 0, Service.Replace("    private Task<int> GetStockCoreAsync(int id, CancellationToken ct) => Task.FromResult(id);\n", string.Empty)),
            1,
            Part.Replace("{\n}", "{\n    private System.Threading.Tasks.Task<int> GetStockCoreAsync(int id, System.Threading.CancellationToken ct) => System.Threading.Tasks.Task.FromResult(id);\n}"));
        var result = driver.RunGenerators(moved).GetRunResult();
        Assert.DoesNotContain(result.Diagnostics, d => d.GetMessage().Contains("GetStock", StringComparison.Ordinal));
        Assert.Contains(result.GeneratedTrees, t => t.FilePath.EndsWith("Shop.CatalogService.GetStockAsync.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_or_syntax()
    {
        var compilation = GeneratorHarness.Compile(Service);
        var result = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                AssertNoCompilerObjects(output.Value, step, depth: 0);
            }
        }
    }

    private static CSharpCompilation ReplaceTree(CSharpCompilation compilation, int index, string text) =>
        compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.ElementAt(index),
            CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: compilation.SyntaxTrees.ElementAt(index).FilePath));

    private static void AssertAllOutputs(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"Step '{step}' did not run.");
        Assert.All(runs!.SelectMany(r => r.Outputs), output =>
            Assert.True(allowed.Contains(output.Reason), $"Step '{step}' output was {output.Reason}, expected {string.Join(" or ", allowed)}."));
    }

    private static void AssertNoCompilerObjects(object? value, string step, int depth)
    {
        if (value is null || depth > 6 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or SemanticModel or Compilation or SyntaxTree,
            $"Step '{step}' carries a {value.GetType().Name}, which roots the compilation and defeats caching.");
        if (value is DiagnosticDescriptor)
        {
            return;
        }

        if (value is System.Collections.IEnumerable sequence)
        {
            foreach (var item in sequence)
            {
                AssertNoCompilerObjects(item, step, depth + 1);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertNoCompilerObjects(property.GetValue(value), step, depth + 1);
        }
    }

    private static string Source(GeneratorDriver driver, string method) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "Shop.CatalogService." + method + ".g.cs").SourceText.ToString();
}

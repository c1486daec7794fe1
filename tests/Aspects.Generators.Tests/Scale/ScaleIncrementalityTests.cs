using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aspects.Generators.Tests.Scale;

/// <summary>
/// At the size of a large solution (2,000 annotated methods in 500 files) an edit re-emits only what it
/// changed: nothing for an unrelated file, one file for one method.
/// </summary>
public class ScaleIncrementalityTests
{
    private static readonly Lazy<(CSharpCompilation Compilation, GeneratorDriver Driver)> Warm = new(() =>
    {
        var compilation = CSharpCompilation.Create(
            "Synthetic",
            SyntheticSolution.Files().Select(f => CSharpSyntaxTree.ParseText(f.Text, GeneratorHarness.ParseOptions, path: f.Path)),
            GeneratorHarness.Compile().References,
            GeneratorHarness.Compile().Options);
        return (compilation, GeneratorHarness.CreateDriver().RunGenerators(compilation));
    });

    [Fact]
    public void Full_run_generates_one_file_per_method_and_compiles_cleanly()
    {
        var (compilation, driver) = Warm.Value;
        var result = driver.GetRunResult();

        Assert.Empty(result.Diagnostics);
        Assert.Equal(SyntheticSolution.FileCount * SyntheticSolution.MethodsPerFile, result.GeneratedTrees.Length);
        var output = compilation.AddSyntaxTrees(result.GeneratedTrees);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(10).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Edit_in_an_unrelated_file_re_emits_nothing()
    {
        var (compilation, driver) = Warm.Value;

        var result = driver.RunGenerators(Replace(compilation, SyntheticSolution.UnrelatedPath, SyntheticSolution.Unrelated(2))).GetRunResult().Results.Single();

        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.Equal(SyntheticSolution.FileCount * SyntheticSolution.MethodsPerFile, outputs.Count);
        Assert.All(outputs, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.All(result.TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs), output =>
            Assert.Contains(output.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Fact]
    public void Edit_of_one_annotated_method_re_emits_only_its_file()
    {
        var (compilation, driver) = Warm.Value;
        var file = 317;

        var result = driver.RunGenerators(Replace(compilation, SyntheticSolution.PathOf(file), SyntheticSolution.Service(file, maxAttempts: 7)))
            .GetRunResult().Results.Single();

        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        var changed = outputs.Where(o => o.Reason != IncrementalStepRunReason.Cached).ToList();
        var emitted = Assert.Single(changed);
        Assert.Equal(IncrementalStepRunReason.Modified, emitted.Reason);
        var source = Assert.Single(result.GeneratedSources, s => s.HintName == $"Synthetic.Area{file % 20}.Service{file}.GetAsync.g.cs");
        Assert.Contains("maxAttempts: 7,", source.SourceText.ToString());
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: path));
    }
}

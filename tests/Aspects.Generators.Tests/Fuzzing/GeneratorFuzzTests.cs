using System.Collections.Immutable;
using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Tests.Fuzzing;

/// <summary>
/// Thousands of mutated versions of valid annotated programs (fixed seed, so a failure reproduces):
/// the generator never throws, and when it reports no error and the user's own code has none, its
/// code compiles. Set <c>ASPECTS_FUZZ_ITERATIONS</c> to run more; <c>ASPECTS_FUZZ_SEED</c> to vary the seed.
/// </summary>
public class GeneratorFuzzTests
{
    private const int DefaultIterations = 2_000;

    private static readonly HashSet<string> AspectNames = ["Retry", "Cached", "Batched", "RateLimited", "InvalidatesCache"];

    [Fact]
    public void Mutated_programs_never_crash_the_generator_or_get_code_that_does_not_compile()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("ASPECTS_FUZZ_ITERATIONS"), out var configured) ? configured : DefaultIterations;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ASPECTS_FUZZ_SEED"), out var configuredSeed) ? configuredSeed : 20_240_601;
        var random = new Random(seed);
        var mutator = new SourceMutator(random);

        // One compilation whose references are bound once; every mutant swaps its only tree.
        var empty = GeneratorHarness.Compile().WithOptions(GeneratorHarness.Compile().Options.WithAllowUnsafe(true));
        var checkedCompilations = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var source = mutator.Mutate(FuzzSeeds.All[iteration % FuzzSeeds.All.Length]);
            var tree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "Source0.cs");
            var input = empty.AddSyntaxTrees(tree);

            var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
            var exception = driver.GetRunResult().Results.Select(r => r.Exception).FirstOrDefault(e => e is not null);
            Assert.True(exception is null, Reproduce(seed, iteration, source, "The generator threw: " + exception));

            if (tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                continue; // a syntax error: the user's code is wrong, and not throwing is all we owe it
            }

            var userErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !IsAspectMethodAwaitingItsImplementation(d)).ToList();
            if (userErrors.Count > 0)
            {
                continue;
            }

            checkedCompilations++;
            var aspErrors = generatorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var outputErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var problems = aspErrors.Count == 0
                ? outputErrors // no ASP error: every aspect method is implemented, and everything compiles
                : outputErrors.Where(d => d.Location.SourceTree is { } located && located != tree).ToList(); // generated files still compile
            Assert.True(problems.Count == 0, Reproduce(seed, iteration, source,
                "The generator reported " + (aspErrors.Count == 0 ? "no error" : string.Join("; ", aspErrors)) + " but the program does not compile:\n"
                + string.Join("\n", problems) + "\n\nGenerated:\n" + string.Join("\n", output.SyntaxTrees.Where(t => t != tree).Select(t => t.ToString()))));
        }

        // The mutations must leave enough compilable programs for the second assertion to mean something.
        Assert.True(checkedCompilations > iterations / 20, $"Only {checkedCompilations} of {iterations} mutants compiled far enough to check the generated code.");
    }

    [Fact]
    public void Every_seed_program_is_valid_and_generates_clean_code()
    {
        foreach (var seed in FuzzSeeds.All)
        {
            var run = GeneratorHarness.Run(seed);
            run.ShouldCompileCleanly();
            Assert.NotEmpty(run.Sources);
        }
    }

    /// <summary>CS8795 on a partial method with an aspect attribute is the generator's job to fix, not the user's error.</summary>
    private static bool IsAspectMethodAwaitingItsImplementation(Diagnostic diagnostic)
    {
        if (diagnostic.Id != "CS8795" || diagnostic.Location.SourceTree is not { } tree)
        {
            return false;
        }

        var method = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
        return method is not null && method.AttributeLists.SelectMany(list => list.Attributes)
            .Any(a => AspectNames.Contains(a.Name.ToString().Split('.').Last().Replace("Attribute", string.Empty, StringComparison.Ordinal)));
    }

    private static string Reproduce(int seed, int iteration, string source, string problem) =>
        $"{problem}\n\nReproduce with ASPECTS_FUZZ_SEED={seed}, iteration {iteration}. Mutated source:\n----\n{source}\n----";
}

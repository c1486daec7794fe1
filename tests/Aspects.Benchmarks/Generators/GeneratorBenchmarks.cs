using Aspects.Generators;
using Aspects.Generators.Tests.Scale;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aspects.Benchmarks.Generators;

/// <summary>
/// The generator on a large solution (2,000 annotated methods in 500 files): a full run from a cold
/// driver, and the incremental run after a one-file edit (what an IDE pays per keystroke), next to the
/// compiler's own GetDiagnostics() of the same compilation, so the generator's share is visible.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private Compilation _withGenerated = null!;
    private GeneratorDriver _warmDriver = null!;

    [GlobalSetup]
    public void Setup()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = platform.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(AspectRuntime).Assembly.Location))
            .DistinctBy(r => Path.GetFileName(r.Display))
            .ToList();
        _compilation = CSharpCompilation.Create(
            "Synthetic",
            SyntheticSolution.Files().Select(f => CSharpSyntaxTree.ParseText(f.Text, ParseOptions, path: f.Path)),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _warmDriver = CreateDriver().RunGeneratorsAndUpdateCompilation(_compilation, out _withGenerated, out var diagnostics);
        if (!diagnostics.IsEmpty || _withGenerated.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new InvalidOperationException("The synthetic solution does not compile cleanly.");
        }

        const int file = 317;
        var old = _compilation.SyntaxTrees.Single(t => t.FilePath == SyntheticSolution.PathOf(file));
        _edited = _compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(SyntheticSolution.Service(file, maxAttempts: 7), ParseOptions, path: old.FilePath));
    }

    [Benchmark(Baseline = true, Description = "compiler: GetDiagnostics() of the solution")]
    public int CompilerDiagnostics() => _withGenerated.Clone().GetDiagnostics().Length;

    [Benchmark(Description = "generator: full run, cold driver")]
    public GeneratorDriver FullRun() => CreateDriver().RunGenerators(_compilation.Clone());

    [Benchmark(Description = "generator: one-file edit, warm driver")]
    public GeneratorDriver OneFileEdit() => _warmDriver.RunGenerators(_edited.Clone());

    private static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create([new AspectsGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
}

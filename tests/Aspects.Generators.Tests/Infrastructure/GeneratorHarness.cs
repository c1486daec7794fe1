using System.Collections.Immutable;
using Aspects.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aspects.Generators.Tests.Infrastructure;

/// <summary>Compiles C# source in memory and runs the Aspects generator on it, as the compiler would.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [
            .. platform.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(AspectRuntime).Assembly.Location),
        ];
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    public static CSharpCompilation Compile(params string[] sources) =>
        Compile(NullableContextOptions.Enable, sources);

    public static CSharpCompilation Compile(NullableContextOptions nullable, params string[] sources) =>
        CSharpCompilation.Create(
            "Tests",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: nullable, warningLevel: 9999));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new AspectsGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once and returns its result and the compilation with the generated code.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(Compile(sources));

    public static GeneratorRun Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorRun(driver.GetRunResult(), output, generatorDiagnostics);
    }
}

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorRun(GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    /// <summary>The generator's own diagnostics (ASPxxxx); fails the test if the generator threw.</summary>
    public ImmutableArray<Diagnostic> Diagnostics
    {
        get
        {
            var exception = Result.Results.Select(r => r.Exception).FirstOrDefault(e => e is not null);
            Assert.True(exception is null, "The generator threw: " + exception);
            return GeneratorDiagnostics;
        }
    }

    /// <summary>Errors and warnings of the whole compilation after generation (CS and ASP).</summary>
    public ImmutableArray<Diagnostic> CompilationProblems =>
        [.. Diagnostics.Concat(Output.GetDiagnostics()).Where(d => d.Severity >= DiagnosticSeverity.Warning)];

    /// <summary>The source text a diagnostic points at (generator diagnostics carry file locations, not trees).</summary>
    public string LocatedText(Diagnostic diagnostic)
    {
        var path = diagnostic.Location.GetLineSpan().Path;
        var tree = Output.SyntaxTrees.FirstOrDefault(t => t.FilePath == path);
        Assert.True(tree is not null, $"{diagnostic.Id} points at '{path}', which is not a source file of the compilation.");
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    public IReadOnlyList<GeneratedSourceResult> Sources => Result.Results.SelectMany(r => r.GeneratedSources).ToList();

    /// <summary>Asserts that the generated program compiles with no error and no warning.</summary>
    public GeneratorRun ShouldCompileCleanly()
    {
        var problems = CompilationProblems;
        Assert.True(problems.IsEmpty, "Expected a clean compilation, got:\n" + string.Join("\n", problems)
            + "\n\nGenerated:\n" + string.Join("\n", Sources.Select(s => s.SourceText.ToString())));
        return this;
    }
}

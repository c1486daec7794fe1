using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Tests.Misuse;

/// <summary>
/// Every program in <see cref="MisuseCatalogue"/> gets exactly the outcome it lists: one specific ASP
/// diagnostic on the exact source text at fault, clean generated code when the program is fine, or
/// silence when the compiler itself already rejects it — and never an exception from the generator.
/// </summary>
public class MisuseCatalogueTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    public static TheoryData<string> Cases => new(MisuseCatalogue.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generator_gives_the_listed_outcome(string name)
    {
        var misuse = MisuseCatalogue.All.Single(c => c.Name == name);
        var compilation = GeneratorHarness.Compile(Usings + misuse.Source);
        compilation = compilation.WithOptions(compilation.Options.WithAllowUnsafe(misuse.AllowUnsafe));
        var run = GeneratorHarness.Run(compilation);
        var diagnostics = run.Diagnostics; // asserts that the generator did not throw

        switch (misuse.Expected)
        {
            case ReportsDiagnostic expected:
                var diagnostic = Assert.Single(diagnostics);
                Assert.Equal(expected.Id, diagnostic.Id);
                Assert.Equal(expected.At, run.LocatedText(diagnostic));
                Assert.Contains(expected.Says, diagnostic.GetMessage(), StringComparison.Ordinal);
                Assert.Equal(expected.Id == "ASP0012" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, diagnostic.Severity);

                // Code generated for the program's other, correct methods still compiles.
                var generatedErrors = run.Output.GetDiagnostics()
                    .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && !compilation.SyntaxTrees.Contains(tree))
                    .ToList();
                Assert.True(generatedErrors.Count == 0, "Generated code does not compile:\n" + string.Join("\n", generatedErrors));
                break;

            case CompilesWithoutProblems expected:
                run.ShouldCompileCleanly();
                Assert.Equal(expected.GeneratedFiles, run.Sources.Count);
                break;

            case CompilerAlreadyRejects expected:
                Assert.Empty(diagnostics);
                var compilerErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToList();
                Assert.Contains(expected.CompilerId, compilerErrors);
                break;

            default:
                Assert.Fail("Unknown expectation " + misuse.Expected);
                break;
        }
    }

    [Fact]
    public void Catalogue_names_are_unique_and_cover_every_outcome()
    {
        Assert.Equal(MisuseCatalogue.All.Count, MisuseCatalogue.All.Select(c => c.Name).Distinct().Count());
        Assert.True(MisuseCatalogue.All.Count >= 25, "The catalogue lists " + MisuseCatalogue.All.Count + " programs.");
        Assert.Contains(MisuseCatalogue.All, c => c.Expected is ReportsDiagnostic);
        Assert.Contains(MisuseCatalogue.All, c => c.Expected is CompilesWithoutProblems);
        Assert.Contains(MisuseCatalogue.All, c => c.Expected is CompilerAlreadyRejects);
    }

    [Fact]
    public void Every_error_descriptor_is_exercised_by_the_catalogue_or_a_diagnostic_test()
    {
        var reported = MisuseCatalogue.All.Select(c => c.Expected).OfType<ReportsDiagnostic>().Select(r => r.Id).ToHashSet();
        foreach (var id in new[] { "ASP0001", "ASP0002", "ASP0003", "ASP0004", "ASP0005", "ASP0006", "ASP0007", "ASP0008", "ASP0009", "ASP0010", "ASP0011", "ASP0012", "ASP0013", "ASP0014", "ASP0015", "ASP0016", "ASP0017", "ASP0018", "ASP0019", "ASP0020", "ASP0021", "ASP0022" })
        {
            Assert.Contains(id, reported);
        }
    }
}

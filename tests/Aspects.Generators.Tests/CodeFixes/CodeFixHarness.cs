using System.Collections.Immutable;
using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Aspects.Generators.Tests.CodeFixes;

/// <summary>
/// Applies a code fix as the IDE would: the source is a document of an <see cref="AdhocWorkspace"/>, the
/// generator reports the diagnostic, the provider registers its actions, and the chosen action's
/// operations produce the fixed document.
/// </summary>
internal static class CodeFixHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [
            .. platform.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(AspectRuntime).Assembly.Location),
        ];
    });

    /// <summary>
    /// The actions <paramref name="provider"/> offers for the single <paramref name="id"/> diagnostic of
    /// <paramref name="source"/>, or, when <paramref name="at"/> is given, the single one reported on that text.
    /// </summary>
    public static async Task<(Document Document, IReadOnlyList<CodeAction> Actions)> ActionsAsync(CodeFixProvider provider, string source, string id, string? at = null)
    {
        Assert.Contains(id, provider.FixableDiagnosticIds);
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Create(),
            "Tests",
            "Tests",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: References.Value));
        var document = workspace.AddDocument(DocumentInfo.Create(
            DocumentId.CreateNewId(project.Id),
            "Source0.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(source), VersionStamp.Create())),
            filePath: "Source0.cs"));

        var compilation = (CSharpCompilation)(await document.Project.GetCompilationAsync())!;
        var diagnostics = GeneratorHarness.Run(compilation).Diagnostics;
        var matching = diagnostics
            .Where(d => d.Id == id && (at is null || source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length) == at))
            .ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}{(at is null ? null : " on '" + at + "'")} from the generator, got: {string.Join("; ", diagnostics)}");

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, matching[0], (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return (document, actions);
    }

    /// <summary>
    /// Applies the one fix offered for <paramref name="id"/>, asserts that the fixed program compiles with
    /// the generator without errors or warnings, and returns the fixed text. <paramref name="at"/> picks
    /// one of several <paramref name="id"/> diagnostics, as in <see cref="ActionsAsync"/>.
    /// </summary>
    public static async Task<string> FixAsync(CodeFixProvider provider, string source, string id, string expectedTitle, string? at = null)
    {
        var (document, actions) = await ActionsAsync(provider, source, id, at);
        var action = Assert.Single(actions);
        Assert.Equal(expectedTitle, action.Title);

        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        var fixedText = (await solution.GetDocument(document.Id)!.GetTextAsync()).ToString();

        var run = GeneratorHarness.Run(fixedText);
        Assert.True(run.CompilationProblems.IsEmpty, "The fixed program does not compile cleanly:\n"
            + string.Join("\n", run.CompilationProblems) + "\n\nFixed source:\n" + fixedText);
        Assert.NotEmpty(run.Sources);
        return fixedText;
    }
}

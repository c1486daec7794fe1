using System.Collections.Immutable;
using System.Composition;
using System.Text;
using Aspects.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Rename;

namespace Aspects.CodeFixes;

/// <summary>
/// ASP0003: when the diagnostic names a method with a near name and the right signature, renames it;
/// always also adds the missing <c>{Name}Core</c> body method right after the declaration, with the signature
/// the generator expects (for <c>[Batched]</c>: the whole batch in, a dictionary of results out) and a
/// body that throws until the user writes it. It is not <c>async</c>, so the stub itself compiles without
/// CS1998; add <c>async</c> when the body awaits.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddCoreMethodCodeFixProvider)), Shared]
public sealed class AddCoreMethodCodeFixProvider : CodeFixProvider
{
    private const string BatchedAttribute = "Aspects.BatchedAttribute";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingCoreMethod);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent is not MethodDeclarationSyntax method
            || model?.GetDeclaredSymbol(method, context.CancellationToken) is not IMethodSymbol symbol)
        {
            return;
        }

        var signature = symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == BatchedAttribute)
            ? BatchSignature(symbol, model, method)
            : Signature(symbol, model, method);
        if (signature is null)
        {
            return;
        }

        var coreName = CoreMethodName.Of(symbol.Name);

        // ASP0003 found a method with the right signature and a near name: renaming it is the likely fix.
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(NearMissName.PropertyKey, out var nearMiss) && nearMiss is not null
                && NearMissBody(symbol, nearMiss) is { } body)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Rename '" + nearMiss + "' to '" + coreName + "'",
                        cancellationToken => Renamer.RenameSymbolAsync(context.Document.Project.Solution, body, default, coreName, cancellationToken),
                        equivalenceKey: DiagnosticIds.MissingCoreMethod + ".Rename"),
                    diagnostic);
            }
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Add '" + coreName + "'",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.InsertNodesAfter(method, [Stub(root, model, method, signature)]))),
                equivalenceKey: DiagnosticIds.MissingCoreMethod),
            context.Diagnostics);
    }

    /// <summary>
    /// The method the generator named: of the type's methods called <paramref name="name"/>, the one whose
    /// parameter types are the declaration's, else the only one.
    /// </summary>
    private static IMethodSymbol? NearMissBody(IMethodSymbol declaration, string name)
    {
        var methods = declaration.ContainingType.GetMembers(name).OfType<IMethodSymbol>().ToList();
        return methods.FirstOrDefault(m => m.Parameters.Length == declaration.Parameters.Length
                && m.Parameters.Zip(declaration.Parameters, (x, y) => SymbolEqualityComparer.Default.Equals(x.Type, y.Type)).All(same => same))
            ?? (methods.Count == 1 ? methods[0] : null);
    }

    /// <summary>Same parameters (names, types, no defaults), return type, type parameters and constraints.</summary>
    private static string Signature(IMethodSymbol method, SemanticModel model, MethodDeclarationSyntax syntax)
    {
        var position = syntax.SpanStart;
        var text = new StringBuilder("private ");
        if (method.IsStatic)
        {
            text.Append("static ");
        }

        text.Append(method.ReturnsVoid ? "void" : method.ReturnType.ToMinimalDisplayString(model, position, Naming.Minimal))
            .Append(' ')
            .Append(CoreMethodName.Of(method.Name))
            .Append(syntax.TypeParameterList?.WithoutTrivia().ToString())
            .Append('(')
            .Append(string.Join(", ", method.Parameters.Select((p, i) =>
                p.Type.ToMinimalDisplayString(model, position, Naming.Minimal) + " " + syntax.ParameterList.Parameters[i].Identifier.Text)))
            .Append(')');
        foreach (var clause in syntax.ConstraintClauses)
        {
            text.Append(' ').Append(clause.WithoutTrivia().ToString());
        }

        return text.ToString();
    }

    /// <summary><c>Task&lt;IReadOnlyDictionary&lt;TKey, TValue&gt;&gt; {Name}Core(IReadOnlyList&lt;TKey&gt; keys, CancellationToken cancellationToken)</c>.</summary>
    private static string? BatchSignature(IMethodSymbol method, SemanticModel model, MethodDeclarationSyntax syntax)
    {
        var compilation = model.Compilation;
        var token = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        var keys = method.Parameters.Where(p => !SymbolEqualityComparer.Default.Equals(p.Type, token)).ToList();
        var list = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyList`1");
        var dictionary = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
        var task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        if (keys.Count != 1 || method.ReturnType is not INamedTypeSymbol { TypeArguments.Length: 1 } returned
            || token is null || list is null || dictionary is null || task is null)
        {
            return null;
        }

        var position = syntax.SpanStart;
        var key = keys[0].Type;
        var result = task.Construct(dictionary.Construct(key, returned.TypeArguments[0]));
        return "private " + (method.IsStatic ? "static " : string.Empty)
            + result.ToMinimalDisplayString(model, position, Naming.Minimal) + " " + CoreMethodName.Of(method.Name)
            + "(" + list.Construct(key).ToMinimalDisplayString(model, position, Naming.Minimal) + " keys, "
            + token.ToMinimalDisplayString(model, position, Naming.Minimal) + " cancellationToken)";
    }

    private static MemberDeclarationSyntax Stub(SyntaxNode root, SemanticModel model, MethodDeclarationSyntax method, string signature)
    {
        var newLine = Naming.NewLineOf(root);
        var indent = Naming.IndentationOf(method);
        var unit = indent.Contains('\t') ? "\t" : "    ";
        var notImplemented = model.LookupNamespacesAndTypes(method.SpanStart, name: "NotImplementedException").Any()
            ? "NotImplementedException"
            : "System.NotImplementedException";
        var text = newLine + indent + signature + newLine
            + indent + "{" + newLine
            + indent + unit + "throw new " + notImplemented + "();" + newLine
            + indent + "}" + newLine;
        return SyntaxFactory.ParseMemberDeclaration(text)!;
    }
}

using System.Collections.Immutable;
using System.Composition;
using Aspects.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.CodeFixes;

/// <summary>
/// ASP0001: turns an ordinary method with an aspect into a partial declaration and moves its body into
/// <c>{Name}Core</c>. ASP0002: adds <c>partial</c> to the type. Both also make every enclosing type partial.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.MethodMustBePartial, DiagnosticIds.TypeMustBePartial);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        var node = root.FindToken(context.Span.Start).Parent;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Id == DiagnosticIds.TypeMustBePartial && node is TypeDeclarationSyntax type)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Make '" + type.Identifier.ValueText + "' partial",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(MakeTypesPartial(root, type))),
                        equivalenceKey: DiagnosticIds.TypeMustBePartial),
                    diagnostic);
            }
            else if (diagnostic.Id == DiagnosticIds.MethodMustBePartial && node is MethodDeclarationSyntax method
                && await CanSplitAsync(context.Document, method, context.CancellationToken).ConfigureAwait(false))
            {
                var coreName = CoreMethodName.Of(method.Identifier.ValueText);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        method.Body is null && method.ExpressionBody is null
                            ? "Make '" + method.Identifier.ValueText + "' partial"
                            : "Make '" + method.Identifier.ValueText + "' partial and move its body into '" + coreName + "'",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(SplitMethod(root, method, coreName))),
                        equivalenceKey: DiagnosticIds.MethodMustBePartial),
                    diagnostic);
            }
        }
    }

    /// <summary>
    /// A body can move only where <c>{Name}Core</c> is free: when it exists already, the user decides which
    /// of the two bodies to keep.
    /// </summary>
    private static async Task<bool> CanSplitAsync(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        if (method.Body is null && method.ExpressionBody is null)
        {
            return true;
        }

        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return model?.GetDeclaredSymbol(method, cancellationToken) is IMethodSymbol symbol
            && symbol.ContainingType.GetMembers(CoreMethodName.Of(symbol.Name)).IsEmpty;
    }

    private static SyntaxNode MakeTypesPartial(SyntaxNode root, SyntaxNode inner) =>
        root.ReplaceNodes(
            inner.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)),
            (_, rewritten) => PartialModifier.AddTo(rewritten));

    private static SyntaxNode SplitMethod(SyntaxNode root, MethodDeclarationSyntax method, string coreName)
    {
        var marker = new SyntaxAnnotation();
        var replacement = new List<SyntaxNode> { PartialModifier.AddTo(WithoutBody(method)).WithAdditionalAnnotations(marker) };
        if (method.Body is not null || method.ExpressionBody is not null)
        {
            var newLine = Naming.NewLineOf(root);
            replacement.Add(CoreOf(method, coreName, SyntaxFactory.TriviaList(
                SyntaxFactory.EndOfLine(newLine), SyntaxFactory.Whitespace(Naming.IndentationOf(method)))));
        }

        var split = root.ReplaceNode(method, replacement);
        return MakeTypesPartial(split, split.GetAnnotatedNodes(marker).First());
    }

    private static MethodDeclarationSyntax WithoutBody(MethodDeclarationSyntax method)
    {
        var trailing = method.GetLastToken().TrailingTrivia;
        var bodiless = method.WithBody(null).WithExpressionBody(null).WithSemicolonToken(default);
        var last = bodiless.GetLastToken();
        return bodiless
            .ReplaceToken(last, last.WithTrailingTrivia())
            .WithSemicolonToken(SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.SemicolonToken, trailing));
    }

    /// <summary>
    /// The body as a private method: no aspect attributes, no default values, same <c>static</c>,
    /// <c>async</c> and <c>unsafe</c>.
    /// </summary>
    private static MethodDeclarationSyntax CoreOf(MethodDeclarationSyntax method, string coreName, SyntaxTriviaList leading)
    {
        var modifiers = new List<SyntaxToken> { SyntaxFactory.Token(SyntaxKind.PrivateKeyword) };
        foreach (var kind in new[] { SyntaxKind.StaticKeyword, SyntaxKind.UnsafeKeyword, SyntaxKind.AsyncKeyword })
        {
            if (method.Modifiers.Any(kind))
            {
                modifiers.Add(SyntaxFactory.Token(kind));
            }
        }

        modifiers = modifiers.Select(m => m.WithTrailingTrivia(SyntaxFactory.Space)).ToList();
        modifiers[0] = modifiers[0].WithLeadingTrivia(leading);
        var parameters = method.ParameterList.Parameters.Select(parameter =>
        {
            var first = parameter.GetLeadingTrivia();
            var plain = parameter.WithAttributeLists(default).WithDefault(null).WithoutLeadingTrivia();
            return plain.WithIdentifier(plain.Identifier.WithTrailingTrivia()).WithLeadingTrivia(first);
        });

        return method
            .WithAttributeLists(default)
            .WithModifiers(SyntaxFactory.TokenList(modifiers))
            .WithReturnType(method.ReturnType.WithoutLeadingTrivia())
            .WithIdentifier(SyntaxFactory.Identifier(coreName).WithTriviaFrom(method.Identifier))
            .WithParameterList(method.ParameterList.WithParameters(SyntaxFactory.SeparatedList(parameters, method.ParameterList.Parameters.GetSeparators())));
    }
}

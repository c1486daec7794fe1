using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.CodeFixes;

/// <summary>
/// ASP0014: marks a parameter that never changes the result <c>[NotCacheKey]</c>. Only right for such parameters
/// (loggers, tracing context): calls that differ only in it share one entry, so the title says so.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NotCacheKeyCodeFixProvider)), Shared]
public sealed class NotCacheKeyCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnsupportedCacheKey);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || root.FindNode(context.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter)
        {
            return;
        }

        // Short when 'using Aspects;' (or a global using) is in scope, qualified otherwise.
        var name = model.LookupNamespacesAndTypes(parameter.SpanStart, name: "NotCacheKeyAttribute")
            .Any(s => s.ToDisplayString() == "Aspects.NotCacheKeyAttribute")
            ? "NotCacheKey"
            : "Aspects.NotCacheKey";
        context.RegisterCodeFix(
            CodeAction.Create(
                "Mark '" + parameter.Identifier.ValueText + "' [NotCacheKey]: it never changes the result",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(parameter, WithAttribute(parameter, name)))),
                equivalenceKey: DiagnosticIds.UnsupportedCacheKey),
            context.Diagnostics);
    }

    private static ParameterSyntax WithAttribute(ParameterSyntax parameter, string name)
    {
        var leading = parameter.GetLeadingTrivia();
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName(name))))
            .WithTrailingTrivia(SyntaxFactory.Space);
        var bare = parameter.WithoutLeadingTrivia();
        return bare.WithAttributeLists(bare.AttributeLists.Insert(0, list)).WithLeadingTrivia(leading);
    }
}

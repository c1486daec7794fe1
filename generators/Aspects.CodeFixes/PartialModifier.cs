using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.CodeFixes;

/// <summary>
/// Adds <c>partial</c> where C# wants it: last among the modifiers, right before the type keyword or the
/// return type, taking over the indentation when there were no modifiers before.
/// </summary>
internal static class PartialModifier
{
    public static TypeDeclarationSyntax AddTo(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return type;
        }

        if (type.Modifiers.Count > 0)
        {
            return type.AddModifiers(Partial(default));
        }

        var keyword = type.Keyword;
        return type.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(Partial(keyword.LeadingTrivia)));
    }

    /// <summary>
    /// Adds <c>partial</c>, drops <c>async</c> (a declaration without a body cannot have it) and makes the
    /// implicit <c>private</c> explicit (C# requires it on a partial method that returns a value).
    /// </summary>
    public static MethodDeclarationSyntax AddTo(MethodDeclarationSyntax method)
    {
        var modifiers = method.Modifiers;
        var asyncIndex = modifiers.IndexOf(SyntaxKind.AsyncKeyword);
        if (asyncIndex >= 0)
        {
            var removed = modifiers[asyncIndex];
            modifiers = modifiers.RemoveAt(asyncIndex);
            if (asyncIndex == 0 && modifiers.Count > 0)
            {
                modifiers = modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia(removed.LeadingTrivia));
            }
            else if (asyncIndex == 0)
            {
                method = method.WithReturnType(method.ReturnType.WithLeadingTrivia(removed.LeadingTrivia));
            }
        }

        // A partial method with a result must state its accessibility; 'private' is what it had implicitly.
        if (!modifiers.Any(m => SyntaxFacts.IsAccessibilityModifier(m.Kind())))
        {
            SyntaxTriviaList leading;
            if (modifiers.Count > 0)
            {
                leading = modifiers[0].LeadingTrivia;
                modifiers = modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia());
            }
            else
            {
                leading = method.ReturnType.GetLeadingTrivia();
                method = method.WithReturnType(method.ReturnType.WithoutLeadingTrivia());
            }

            modifiers = modifiers.Insert(0, SyntaxFactory.Token(leading, SyntaxKind.PrivateKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)));
        }

        if (modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return method.WithModifiers(modifiers);
        }

        if (modifiers.Count > 0)
        {
            return method.WithModifiers(modifiers.Add(Partial(default)));
        }

        var returnType = method.ReturnType;
        return method
            .WithReturnType(returnType.WithoutLeadingTrivia())
            .WithModifiers(SyntaxFactory.TokenList(Partial(returnType.GetLeadingTrivia())));
    }

    private static SyntaxToken Partial(SyntaxTriviaList leading) =>
        SyntaxFactory.Token(leading, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
}

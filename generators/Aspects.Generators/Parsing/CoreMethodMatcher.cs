using System.Text;
using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>
/// Finds the user's body method (<c>{Name}Core</c>, see <see cref="CoreMethodName"/>) of an annotated method and checks
/// that it has the signature the wrapper calls: the same parameters and return type, no <c>ref</c>, type parameters
/// matched by position. Reports ASP0003 (missing, with a "did you mean" when a near-named method fits) and ASP0004
/// (wrong signature).
/// </summary>
internal static class CoreMethodMatcher
{
    /// <summary>Checks the user's body method; returns whether it is declared <c>async</c> (then it never throws synchronously).</summary>
    public static bool Check(IMethodSymbol method, MethodDeclarationSyntax syntax, string coreName, ReturnKind returns, List<DiagnosticInfo> diagnostics)
    {
        var candidates = method.ContainingType.GetMembers(coreName).OfType<IMethodSymbol>().ToList();
        if (candidates.Count == 0)
        {
            diagnostics.Add(NearMissBody(method, coreName) is { } nearMiss
                ? DiagnosticInfo.Create(DiagnosticDescriptors.MissingCoreMethod, syntax.Identifier.GetLocation(), method.Name, coreName, MissingCoreMethodFix.Rename(nearMiss, coreName))
                    with { Property = (NearMissName.PropertyKey, nearMiss) }
                : DiagnosticInfo.Create(
                    DiagnosticDescriptors.MissingCoreMethod, syntax.Identifier.GetLocation(), method.Name, coreName, MissingCoreMethodFix.Add(ExpectedCoreSignature(method, coreName, returns))));
            return false;
        }

        // An 'async void' body reports failures to no one, so the wrapper could never see them. A match
        // returns what the declaration returns, so the declaration's (already bound) ReturnsVoid tells.
        var comparable = CanMatchBySyntax(method, syntax);
        if (candidates.FirstOrDefault(candidate => (comparable && MatchesBySyntax(syntax, candidate)) || Matches(method, candidate)) is { } match
            && !(match.IsAsync && method.ReturnsVoid))
        {
            return match.IsAsync;
        }

        var expected = ExpectedCoreSignature(method, coreName, returns);

        var first = candidates[0];
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.CoreMethodSignatureMismatch,
            first.Locations.FirstOrDefault(l => l.IsInSource) ?? syntax.Identifier.GetLocation(),
            first.ToDisplayString(SymbolFormats.Readable),
            method.Name,
            expected));
        return false;
    }

    /// <summary>
    /// The nearest name (<see cref="NearMissName"/>) of a method of the type with the signature the body must
    /// have, or <see langword="null"/>. Runs only when the body is missing, so its scan of the type costs nothing on a valid program.
    /// </summary>
    private static string? NearMissBody(IMethodSymbol method, string coreName)
    {
        string? nearest = null;
        var nearestDistance = int.MaxValue;
        foreach (var name in method.ContainingType.MemberNames)
        {
            // The declaration and its overloads are aspect methods, not bodies.
            if (name == method.Name || NearMissName.Distance(name, coreName) is not (> 0 and var distance)
                || distance > nearestDistance || (distance == nearestDistance && string.CompareOrdinal(name, nearest) > 0))
            {
                continue;
            }

            if (method.ContainingType.GetMembers(name).Any(m => m is IMethodSymbol candidate && Matches(method, candidate)))
            {
                (nearest, nearestDistance) = (name, distance);
            }
        }

        return nearest;
    }

    /// <summary>
    /// Whether <see cref="MatchesBySyntax"/> may decide for <paramref name="method"/>: it is not generic and
    /// its signature binds without errors, so an identical type written in the same type declaration
    /// binds to the same type.
    /// </summary>
    private static bool CanMatchBySyntax(IMethodSymbol method, MethodDeclarationSyntax syntax) =>
        syntax.TypeParameterList is null
        && syntax.ReturnType is not RefTypeSyntax
        && syntax.ParameterList.Parameters.Count == method.Parameters.Length
        && !ContainsErrorType(method.ReturnType)
        && method.Parameters.All(p => !ContainsErrorType(p.Type));

    /// <summary>
    /// A sufficient test for <see cref="Matches"/> that does not bind the body method's signature: the
    /// body is declared next to the declaration (same type declaration, so the same usings and type
    /// parameters are in scope), is not generic, and spells its return and parameter types exactly like
    /// the declaration, so they bind to the same types. Binding every body's signature again on every
    /// edit is a large part of an IDE run; anything else (another file, other spellings) is left to
    /// <see cref="Matches"/>. Only ever answers "matches"; "false" means "not decided here".
    /// </summary>
    private static bool MatchesBySyntax(MethodDeclarationSyntax syntax, IMethodSymbol candidate)
    {
        if (candidate.DeclaringSyntaxReferences.Length != 1
            || candidate.DeclaringSyntaxReferences[0].GetSyntax() is not MethodDeclarationSyntax body
            || body.SyntaxTree != syntax.SyntaxTree
            || body.Parent is not TypeDeclarationSyntax bodyType
            || syntax.Parent is not TypeDeclarationSyntax declarationType
            || bodyType.SpanStart != declarationType.SpanStart
            || body.TypeParameterList is not null
            || body.ExplicitInterfaceSpecifier is not null
            || body.ReturnType is RefTypeSyntax
            || body.ParameterList.Parameters.Count != syntax.ParameterList.Parameters.Count
            || candidate.IsStatic != syntax.Modifiers.Any(SyntaxKind.StaticKeyword)
            || !SyntaxFactory.AreEquivalent(body.ReturnType, syntax.ReturnType))
        {
            return false;
        }

        for (var i = 0; i < body.ParameterList.Parameters.Count; i++)
        {
            var declared = syntax.ParameterList.Parameters[i];
            var parameter = body.ParameterList.Parameters[i];
            if (parameter.Type is null || declared.Type is null
                || parameter.Modifiers.Any(m => m.IsKind(SyntaxKind.RefKeyword) || m.IsKind(SyntaxKind.OutKeyword) || m.IsKind(SyntaxKind.InKeyword) || m.IsKind(SyntaxKind.ReadOnlyKeyword))
                || !SyntaxFactory.AreEquivalent(parameter.Type, declared.Type))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsErrorType(ITypeSymbol type) => type switch
    {
        { TypeKind: TypeKind.Error } => true,
        IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
        IPointerTypeSymbol pointer => ContainsErrorType(pointer.PointedAtType),
        IFunctionPointerTypeSymbol => true,
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType) || (named.ContainingType is { } outer && ContainsErrorType(outer)),
        _ => false,
    };

    private static bool Matches(IMethodSymbol method, IMethodSymbol candidate)
    {
        if (candidate.IsStatic != method.IsStatic
            || candidate.TypeParameters.Length != method.TypeParameters.Length
            || candidate.Parameters.Length != method.Parameters.Length
            || candidate.ReturnsByRef || candidate.ReturnsByRefReadonly)
        {
            return false;
        }

        // Compare with the body's type parameters replaced by the declaration's, so <T> and <TItem> match.
        var constructed = candidate.TypeParameters.Length == 0
            ? candidate
            : candidate.Construct(method.TypeParameters.Cast<ITypeSymbol>().ToArray());
        if (!SymbolEqualityComparer.Default.Equals(constructed.ReturnType, method.ReturnType))
        {
            return false;
        }

        for (var i = 0; i < method.Parameters.Length; i++)
        {
            if (constructed.Parameters[i].RefKind != RefKind.None
                || !SymbolEqualityComparer.Default.Equals(constructed.Parameters[i].Type, method.Parameters[i].Type))
            {
                return false;
            }
        }

        return true;
    }

    private static string ExpectedCoreSignature(IMethodSymbol method, string coreName, ReturnKind returns)
    {
        var text = new StringBuilder("private ");
        if (method.IsStatic)
        {
            text.Append("static ");
        }

        if (returns.IsAsync())
        {
            text.Append("async ");
        }

        text.Append(method.ReturnsVoid ? "void" : method.ReturnType.Short()).Append(' ').Append(coreName);
        if (method.TypeParameters.Length > 0)
        {
            text.Append('<').Append(string.Join(", ", method.TypeParameters.Select(t => t.Name))).Append('>');
        }

        text.Append('(')
            .Append(string.Join(", ", method.Parameters.Select(p => p.Type.Short() + " " + p.Name)))
            .Append(')');
        return text.ToString();
    }
}

using System.Text;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>
/// The C# text of an annotated method's declaration that the generated implementation repeats: its modifiers,
/// return type, type parameters and constraints, parameter modifiers and the partial shells of its containing types.
/// </summary>
internal static class DeclarationText
{
    /// <summary>The declaration's modifiers without <c>partial</c>, as the user wrote them.</summary>
    public static string Modifiers(MethodDeclarationSyntax syntax) =>
        string.Join(" ", syntax.Modifiers.Where(m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(m => m.Text));

    /// <summary>The declaration's accessibility keywords, for generated companion methods.</summary>
    public static string Accessibility(MethodDeclarationSyntax syntax) =>
        string.Join(" ", syntax.Modifiers.Where(m => SyntaxFacts.IsAccessibilityModifier(m.Kind())).Select(m => m.Text));

    /// <summary>The fully qualified return type, or <c>void</c>.</summary>
    public static string ReturnType(IMethodSymbol method) => method.ReturnsVoid ? "void" : method.ReturnType.Qualified();

    /// <summary>The type parameter list including angle brackets, or empty.</summary>
    public static string TypeParameters(IMethodSymbol method) => method.TypeParameters.Length == 0
        ? string.Empty
        : "<" + string.Join(", ", method.TypeParameters.Select(t => MethodParser.Escape(t.Name))) + ">";

    /// <summary>One <c>where</c> clause per constrained type parameter.</summary>
    public static EquatableArray<string> Constraints(IMethodSymbol method) =>
        method.TypeParameters.Select(ConstraintClause).Where(c => c.Length > 0).ToEquatableArray();

    /// <summary>The modifiers the implementation must repeat before <paramref name="parameter"/>'s type (<c>this </c>, <c>scoped </c>, <c>params </c>).</summary>
    public static string ParameterPrefix(IParameterSymbol parameter, IMethodSymbol method)
    {
        var prefix = new StringBuilder();
        if (parameter.Ordinal == 0 && method.IsExtensionMethod)
        {
            prefix.Append("this ");
        }

        // A params span is scoped implicitly; writing 'scoped params' is a syntax error.
        if (parameter.ScopedKind == ScopedKind.ScopedValue && !parameter.IsParams)
        {
            prefix.Append("scoped ");
        }

        if (parameter.IsParams)
        {
            prefix.Append("params ");
        }

        return prefix.ToString();
    }

    /// <summary>The keyword(s) of a by-reference parameter's <paramref name="kind"/>.</summary>
    public static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Out => "out",
        RefKind.In => "in",
        RefKind.RefReadOnlyParameter => "ref readonly",
        _ => "ref",
    };

    /// <summary>
    /// The partial shells of the enclosing types. <c>unsafe</c> is kept for synchronous wrappers, whose
    /// signatures may hold pointers, and dropped for asynchronous ones, which await (CS4004 in an unsafe
    /// context) and cannot take pointers anyway (ASP0018).
    /// </summary>
    public static EquatableArray<string> ContainingTypeDeclarations(MethodDeclarationSyntax syntax, bool keepUnsafe)
    {
        var declarations = syntax.Ancestors().OfType<TypeDeclarationSyntax>().Reverse().Select(declaration =>
        {
            var keyword = declaration is RecordDeclarationSyntax record
                ? "record" + (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? " struct" : string.Empty)
                : declaration.Keyword.Text;
            var @unsafe = keepUnsafe && declaration.Modifiers.Any(SyntaxKind.UnsafeKeyword) ? "unsafe " : string.Empty;
            return @unsafe + "partial " + keyword + " " + declaration.Identifier.Text + declaration.TypeParameterList?.ToString();
        });
        return declarations.ToEquatableArray();
    }

    private static string ConstraintClause(ITypeParameterSymbol parameter)
    {
        var constraints = new List<string>();
        if (parameter.HasReferenceTypeConstraint)
        {
            constraints.Add(parameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
        }
        else if (parameter.HasUnmanagedTypeConstraint)
        {
            constraints.Add("unmanaged");
        }
        else if (parameter.HasValueTypeConstraint)
        {
            constraints.Add("struct");
        }
        else if (parameter.HasNotNullConstraint)
        {
            constraints.Add("notnull");
        }

        constraints.AddRange(parameter.ConstraintTypes.Select(t => t.Qualified()));
        if (parameter.HasConstructorConstraint)
        {
            constraints.Add("new()");
        }

        if (parameter.AllowsRefLikeType)
        {
            constraints.Add("allows ref struct");
        }

        return constraints.Count == 0 ? string.Empty : "where " + MethodParser.Escape(parameter.Name) + " : " + string.Join(", ", constraints);
    }
}

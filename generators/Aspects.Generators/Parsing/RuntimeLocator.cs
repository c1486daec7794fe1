using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>
/// Finds the <c>AspectRuntime</c> a wrapper uses: the containing class's field or property of that
/// type (inherited ones too), else its primary-constructor parameter, else <c>AspectRuntime.Default</c>.
/// Static methods only see static members.
/// </summary>
internal static class RuntimeLocator
{
    private const string Default = "global::Aspects.AspectRuntime.Default";

    /// <summary>The runtime a method of <paramref name="containingType"/> uses; depends on the type and staticness only.</summary>
    public static string Find(INamedTypeSymbol containingType, bool isStatic, KnownTypes known)
    {
        if (known.AspectRuntime is null)
        {
            return Default;
        }

        for (var type = containingType; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                var (memberType, annotation) = member switch
                {
                    IFieldSymbol { IsImplicitlyDeclared: false } field => (field.Type, field.NullableAnnotation),
                    IPropertySymbol { IsIndexer: false, GetMethod: not null } property => (property.Type, property.NullableAnnotation),
                    _ => (null, NullableAnnotation.None),
                };
                if (memberType is null
                    || !SymbolEqualityComparer.Default.Equals(memberType, known.AspectRuntime)
                    || (isStatic && !member.IsStatic)
                    || (member.DeclaredAccessibility == Accessibility.Private && !SymbolEqualityComparer.Default.Equals(type, containingType)))
                {
                    continue;
                }

                var access = member.IsStatic
                    ? member.ContainingType.Qualified() + "." + MethodParser.Escape(member.Name)
                    : "this." + MethodParser.Escape(member.Name);
                return annotation == NullableAnnotation.Annotated ? "(" + access + " ?? " + Default + ")" : access;
            }
        }

        if (!isStatic && PrimaryConstructorParameter(containingType, known) is { } parameter)
        {
            return MethodParser.Escape(parameter);
        }

        return Default;
    }

    private static string? PrimaryConstructorParameter(INamedTypeSymbol type, KnownTypes known)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax { ParameterList: { } parameters })
            {
                continue;
            }

            foreach (var constructor in type.InstanceConstructors)
            {
                if (constructor.Parameters.Length != parameters.Parameters.Count
                    || !constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() == reference.GetSyntax()))
                {
                    continue;
                }

                foreach (var parameter in constructor.Parameters)
                {
                    if (SymbolEqualityComparer.Default.Equals(parameter.Type, known.AspectRuntime))
                    {
                        return parameter.Name;
                    }
                }
            }
        }

        return null;
    }
}

using System.Text;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>
/// The fingerprint of a cached result type's serialized shape: its members, their JSON names and their types,
/// recursively. It is part of the method's L2 key name, so a build whose result type has another shape (a
/// renamed property, a changed member type) never reads an entry another build wrote.
/// </summary>
/// <remarks>
/// Follows what System.Text.Json writes by default: public instance properties with a public getter and public
/// fields, named by <c>[JsonPropertyName]</c> when present, without <c>[JsonIgnore]</c> ones. A type seen again
/// (a cycle, or a second reference) is written by name only. Types that serialize as one value (numbers,
/// strings, dates, <c>Guid</c>, enums with their members) are leaves; collections are their element type.
/// Nullable annotations do not change the JSON and are left out. The result is 16 hex digits of a 64-bit
/// FNV-1a hash of that description (a hash keeps keys short; the description is only compared for equality).
/// </remarks>
internal static class ResultShape
{
    public static string Fingerprint(ITypeSymbol type, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        Describe(type, text, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default), cancellationToken);
        var hash = 14695981039346656037UL;
        foreach (var c in text.ToString())
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Describe(ITypeSymbol type, StringBuilder text, HashSet<ITypeSymbol> seen, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            text.Append('?');
            Describe(((INamedTypeSymbol)type).TypeArguments[0], text, seen, cancellationToken);
            return;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                text.Append('[');
                Describe(array.ElementType, text, seen, cancellationToken);
                text.Append(']');
                return;
            case ITypeParameterSymbol parameter:
                // Its closed argument is part of the key name already.
                text.Append('<').Append(parameter.Name).Append('>');
                return;
            case INamedTypeSymbol { TypeKind: TypeKind.Enum } enumeration:
                text.Append(enumeration.ToDisplayString()).Append('(').Append(enumeration.EnumUnderlyingType?.ToDisplayString());
                foreach (var member in enumeration.GetMembers().OfType<IFieldSymbol>())
                {
                    text.Append(',').Append(member.Name).Append('=').Append(member.ConstantValue);
                }

                text.Append(')');
                return;
        }

        if (type.SpecialType != SpecialType.None || IsFrameworkLeaf(type))
        {
            text.Append(type.ToDisplayString());
            return;
        }

        if (Collection(type) is { } collection)
        {
            text.Append(collection.Key is null ? "[" : "{");
            if (collection.Key is not null)
            {
                Describe(collection.Key, text, seen, cancellationToken);
                text.Append(':');
            }

            Describe(collection.Value, text, seen, cancellationToken);
            text.Append(collection.Key is null ? "]" : "}");
            return;
        }

        var name = type.ToDisplayString();
        if (!seen.Add(type))
        {
            text.Append('@').Append(name);
            return;
        }

        text.Append(name).Append('{');
        var members = new List<(string Name, ITypeSymbol Type)>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || HasAttribute(member, "JsonIgnoreAttribute"))
                {
                    continue;
                }

                if (member is IPropertySymbol { IsIndexer: false, GetMethod.DeclaredAccessibility: Accessibility.Public } property && !property.IsOverride)
                {
                    members.Add((JsonName(property), property.Type));
                }
                else if (member is IFieldSymbol { IsImplicitlyDeclared: false, IsConst: false } field)
                {
                    members.Add((JsonName(field), field.Type));
                }
            }
        }

        members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (memberName, memberType) in members)
        {
            text.Append(memberName).Append(':');
            Describe(memberType, text, seen, cancellationToken);
            text.Append(';');
        }

        text.Append('}');
    }

    private static bool IsFrameworkLeaf(ITypeSymbol type) =>
        type.ToDisplayString() is "System.Guid" or "System.DateTimeOffset" or "System.DateOnly" or "System.TimeOnly" or "System.TimeSpan"
            or "System.Half" or "System.Int128" or "System.UInt128" or "System.Uri" or "System.Version" or "System.Numerics.BigInteger"
            or "System.Text.Json.JsonElement" or "System.Text.Json.Nodes.JsonNode" or "System.Text.Json.Nodes.JsonObject" or "System.Text.Json.Nodes.JsonArray";

    /// <summary>The key (for dictionaries) and element type of a collection, or <see langword="null"/>.</summary>
    private static (ITypeSymbol? Key, ITypeSymbol Value)? Collection(ITypeSymbol type)
    {
        INamedTypeSymbol? enumerable = null;
        foreach (var candidate in type.AllInterfaces.Prepend(type as INamedTypeSymbol))
        {
            var definition = candidate?.OriginalDefinition.ToDisplayString();
            if (definition is "System.Collections.Generic.IDictionary<TKey, TValue>" or "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>")
            {
                return (candidate!.TypeArguments[0], candidate.TypeArguments[1]);
            }

            if (definition == "System.Collections.Generic.IEnumerable<T>")
            {
                enumerable = candidate;
            }
        }

        return enumerable is null ? null : (null, enumerable.TypeArguments[0]);
    }

    private static string JsonName(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "JsonPropertyNameAttribute" && attribute.ConstructorArguments.FirstOrDefault().Value is string name)
            {
                return name;
            }
        }

        return member.Name;
    }

    private static bool HasAttribute(ISymbol member, string name) =>
        member.GetAttributes().Any(a => a.AttributeClass?.Name == name);
}

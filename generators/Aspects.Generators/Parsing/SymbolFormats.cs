using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

internal static class SymbolFormats
{
    /// <summary><c>global::</c>-qualified names with nullable annotations, for generated code.</summary>
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(
        SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Short names, for messages a person reads.</summary>
    public static readonly SymbolDisplayFormat Readable = SymbolDisplayFormat.MinimallyQualifiedFormat.AddMiscellaneousOptions(
        SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string Qualified(this ITypeSymbol type) => type.ToDisplayString(FullyQualified);

    public static string Short(this ITypeSymbol type) => type.ToDisplayString(Readable);
}

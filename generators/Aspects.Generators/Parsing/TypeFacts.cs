using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>
/// Display names and runtime lookups of one type that contains annotated methods, each computed once and shared by
/// every annotated method of the type (see <see cref="DeclarationFacts"/>).
/// </summary>
internal sealed class TypeFacts(INamedTypeSymbol type, DeclarationFacts owner)
{
    private string? _qualified;
    private string? _errorMessageName;
    private string? _namespace;
    private string? _hintPrefix;
    private List<string>? _reservedMemberNames;
    private string? _instanceRuntime;
    private string? _staticRuntime;

    /// <summary><see cref="SymbolFormats.Qualified"/> of the type.</summary>
    public string Qualified => _qualified ??= type.Qualified();

    /// <summary>The type in <see cref="SymbolDisplayFormat.CSharpErrorMessageFormat"/> (telemetry and cache names).</summary>
    public string ErrorMessageName => _errorMessageName ??= type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    /// <summary>The containing namespace's display name, or <see langword="null"/> for the global namespace.</summary>
    public string? Namespace => type.ContainingNamespace.IsGlobalNamespace ? null : _namespace ??= type.ContainingNamespace.ToDisplayString();

    /// <summary>The type's member names that start with <see cref="GeneratedNames.Prefix"/> (almost always none).</summary>
    public List<string> ReservedMemberNames => _reservedMemberNames ??= GeneratedMemberCheck.ReservedNamesOf(type);

    /// <summary><see cref="HintNames.PrefixOf"/> of the type.</summary>
    public string HintPrefix => _hintPrefix ??= HintNames.PrefixOf(type, owner);

    /// <summary>The <c>AspectRuntime</c> expression for an instance or a static method of the type.</summary>
    public string Runtime(bool isStatic, KnownTypes known) => isStatic
        ? _staticRuntime ??= RuntimeLocator.Find(type, isStatic: true, known)
        : _instanceRuntime ??= RuntimeLocator.Find(type, isStatic: false, known);
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>
/// Facts about the declarations that contain annotated methods, which every annotated method of a type shares:
/// the type's <see cref="TypeFacts"/> (display names, the runtime expression), its namespace's hint-name prefix and
/// case twins, and the partial shells of its type declaration; each computed once per declaration and compilation.
/// An IDE edit re-runs the transform of every annotated method against a new compilation, so anything a method
/// repeats from its neighbours is paid thousands of times per keystroke; this cache makes it once per type. It
/// lives as long as its compilation and holds no model state: models still carry only strings.
/// </summary>
internal sealed class DeclarationFacts
{
    // Keyed by the compilation's KnownTypes (one per compilation), which every parser already holds.
    private static readonly ConditionalWeakTable<KnownTypes, DeclarationFacts> PerCompilation = new();

    private readonly ConcurrentDictionary<INamedTypeSymbol, TypeFacts> _types = new(SymbolEqualityComparer.Default);

    private readonly ConcurrentDictionary<INamespaceSymbol, (string Prefix, HashSet<string>? Twins)> _namespaces = new(SymbolEqualityComparer.Default);

    // Keyed by the type declaration that holds the method, one table per value of keepUnsafe.
    private readonly ConcurrentDictionary<SyntaxNode, EquatableArray<string>>[] _shells = [new(), new()];

    private DeclarationFacts()
    {
    }

    /// <summary>The instance for the compilation of <paramref name="known"/>, created on first use.</summary>
    public static DeclarationFacts For(KnownTypes known) => PerCompilation.GetValue(known, static _ => new DeclarationFacts());

    /// <summary>The shared facts about <paramref name="type"/>, computed on first use.</summary>
    public TypeFacts Type(INamedTypeSymbol type) => _types.TryGetValue(type, out var facts) ? facts : _types.GetOrAdd(type, new TypeFacts(type, this));

    /// <summary><see cref="HintNames.NamespaceFactsOf"/>, computed once per namespace.</summary>
    public (string Prefix, HashSet<string>? Twins) Namespace(INamespaceSymbol @namespace) =>
        _namespaces.TryGetValue(@namespace, out var facts) ? facts : _namespaces.GetOrAdd(@namespace, HintNames.NamespaceFactsOf(@namespace, this));

    /// <summary><see cref="DeclarationText.ContainingTypeDeclarations"/>, shared by the methods of one type declaration.</summary>
    public EquatableArray<string> ContainingTypeDeclarations(MethodDeclarationSyntax syntax, bool keepUnsafe)
    {
        // The shells depend only on the method's ancestors, which its parent declaration fixes.
        var table = _shells[keepUnsafe ? 1 : 0];
        if (!table.TryGetValue(syntax.Parent!, out var shells))
        {
            shells = table.GetOrAdd(syntax.Parent!, DeclarationText.ContainingTypeDeclarations(syntax, keepUnsafe));
        }

        return shells;
    }
}

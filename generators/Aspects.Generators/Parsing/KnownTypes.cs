using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>
/// The well-known types the parser compares against, looked up once per compilation, and facts about
/// containing types that every annotated method of the type shares (display names, the runtime
/// expression), computed once per type and compilation. An IDE edit re-runs the transform of every
/// annotated method against a new compilation, so anything a method repeats from its neighbours is
/// paid thousands of times per keystroke; this cache makes it once per type. It lives as long as its
/// compilation and holds no model state: models still carry only strings.
/// </summary>
internal sealed class KnownTypes
{
    private static readonly ConditionalWeakTable<Compilation, KnownTypes> PerCompilation = new();

    private readonly ConcurrentDictionary<INamedTypeSymbol, TypeFacts> _types = new(SymbolEqualityComparer.Default);

    private readonly ConcurrentDictionary<INamespaceSymbol, (string Prefix, HashSet<string>? Twins)> _namespaces = new(SymbolEqualityComparer.Default);

    // Keyed by the type declaration that holds the method, one table per value of keepUnsafe.
    private readonly ConcurrentDictionary<SyntaxNode, EquatableArray<string>>[] _shells = [new(), new()];

    private KnownTypes(Compilation compilation)
    {
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Exception = compilation.GetTypeByMetadataName("System.Exception");
        AspectRuntime = compilation.GetTypeByMetadataName(AttributeNames.AspectRuntime);
        ReadOnlyList = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyList`1");
        ReadOnlyDictionary = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
        Dictionary = compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2");
        SpanFormattable = compilation.GetTypeByMetadataName("System.ISpanFormattable");
        Equatable = compilation.GetTypeByMetadataName("System.IEquatable`1");
    }

    public INamedTypeSymbol? SpanFormattable { get; }

    public INamedTypeSymbol? Equatable { get; }

    public INamedTypeSymbol? ReadOnlyList { get; }

    public INamedTypeSymbol? ReadOnlyDictionary { get; }

    public INamedTypeSymbol? Dictionary { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Exception { get; }

    public INamedTypeSymbol? AspectRuntime { get; }

    /// <summary>The instance for <paramref name="compilation"/>, created on first use.</summary>
    public static KnownTypes For(Compilation compilation) => PerCompilation.GetValue(compilation, static c => new KnownTypes(c));

    /// <summary><see cref="MethodParser.ContainingTypeDeclarations"/>, shared by the methods of one type declaration.</summary>
    public EquatableArray<string> ContainingTypeDeclarations(MethodDeclarationSyntax syntax, bool keepUnsafe)
    {
        // The shells depend only on the method's ancestors, which its parent declaration fixes.
        var table = _shells[keepUnsafe ? 1 : 0];
        if (!table.TryGetValue(syntax.Parent!, out var shells))
        {
            shells = table.GetOrAdd(syntax.Parent!, MethodParser.ContainingTypeDeclarations(syntax, keepUnsafe));
        }

        return shells;
    }

    /// <summary>The shared facts about <paramref name="type"/>, computed on first use.</summary>
    public TypeFacts Facts(INamedTypeSymbol type) => _types.TryGetValue(type, out var facts) ? facts : _types.GetOrAdd(type, new TypeFacts(type, this));

    /// <summary><see cref="HintNames.NamespaceFactsOf"/>, computed once per namespace.</summary>
    public (string Prefix, HashSet<string>? Twins) Namespace(INamespaceSymbol @namespace) =>
        _namespaces.TryGetValue(@namespace, out var facts) ? facts : _namespaces.GetOrAdd(@namespace, HintNames.NamespaceFactsOf(@namespace, this));

    /// <summary>Display names and runtime lookups of one containing type, each computed once.</summary>
    internal sealed class TypeFacts(INamedTypeSymbol type, KnownTypes owner)
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
}

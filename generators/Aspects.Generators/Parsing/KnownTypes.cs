using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>
/// The well-known type symbols the parser compares against, looked up once per compilation (an IDE edit re-runs
/// the transform of every annotated method against a new compilation). Symbols only: facts computed from the
/// user's declarations live in <see cref="DeclarationFacts"/>.
/// </summary>
internal sealed class KnownTypes
{
    private static readonly ConditionalWeakTable<Compilation, KnownTypes> PerCompilation = new();

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
}

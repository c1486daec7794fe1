using System.Collections.Immutable;
using Aspects.Generators.Diagnostics;
using Aspects.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aspects.Generators.Analyzers;

/// <summary>
/// Warns about uses of aspects that compile and run but probably do not do what was meant (ASP0030 and
/// up). Kept out of the generator so the generator stays about code, and so each warning can be
/// silenced like any analyzer's: <c>#pragma</c>, <c>[SuppressMessage]</c> or <c>.editorconfig</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AspectUsageAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Verbs whose operations usually change something remote each time they run.</summary>
    private static readonly string[] SideEffectVerbs = ["Create", "Insert", "Add", "Append", "Send", "Post", "Submit", "Charge", "Pay", "Enqueue", "Publish", "Transfer"];

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CachedWithoutKey, DiagnosticDescriptors.RetryOfSideEffect, DiagnosticDescriptors.RateLimitPartitionWithoutRateLimited);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // With a generated implementation the compiler counts the whole method as generated code, so
        // generated code is analyzed too; only the user's declaration gets the warning.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var token = start.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            if (start.Compilation.GetTypeByMetadataName(AttributeNames.Retry) is null)
            {
                return; // Aspects is not referenced.
            }

            start.RegisterSymbolAction(symbol => Analyze(symbol, token), SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol? token)
    {
        var method = (IMethodSymbol)context.Symbol;
        var location = method.Locations.FirstOrDefault();
        if (method.PartialDefinitionPart is not null || location is null || !location.IsInSource)
        {
            return; // The generated implementation of a partial method; its definition is analyzed too.
        }

        var attributes = method.GetAttributes().Select(a => a.AttributeClass?.ToDisplayString()).ToList();
        if (attributes.Contains(AttributeNames.Cached) && !method.IsStatic
            && method.Parameters.All(p => SymbolEqualityComparer.Default.Equals(p.Type, token)
                || p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeNames.NotCacheKey)))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CachedWithoutKey, location, method.Name, method.ContainingType.Name));
        }

        if (attributes.Contains(AttributeNames.Retry) && StartsWithSideEffectVerb(method.Name))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RetryOfSideEffect, location, method.Name));
        }

        if (!attributes.Contains(AttributeNames.RateLimited))
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeNames.RateLimitPartition))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.RateLimitPartitionWithoutRateLimited, parameter.Locations.FirstOrDefault() ?? location, parameter.Name, method.Name));
                }
            }
        }
    }

    /// <summary><c>CreateOrderAsync</c> and <c>Send</c> yes; <c>Address</c> and <c>Postcode</c> no: the verb must end a word.</summary>
    private static bool StartsWithSideEffectVerb(string name) =>
        SideEffectVerbs.Any(verb => name.StartsWith(verb, StringComparison.Ordinal)
            && (name.Length == verb.Length || !char.IsLower(name[verb.Length])));
}

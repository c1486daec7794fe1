using Aspects.Generators.Emitting;
using Aspects.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Aspects.Generators;

/// <summary>
/// Emits the implementation of every <c>partial</c> method that carries an aspect attribute. Each
/// aspect attribute has its own <c>ForAttributeWithMetadataName</c> provider; a method is parsed
/// (with all of its aspects) by the provider of its outermost aspect only, so it is emitted once.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AspectsGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        foreach (var attributeName in AttributeNames.Composition)
        {
            RegisterAspect(context, attributeName);
        }
    }

    private static void RegisterAspect(IncrementalGeneratorInitializationContext context, string attributeName)
    {
        var methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attributeName,
                predicate: static (_, _) => true,
                transform: (context, cancellationToken) => MethodParser.Parse(context, attributeName, cancellationToken))
            .Where(static result => result is not null)
            .WithTrackingName(TrackingNames.MethodsPrefix + AttributeNames.ShortName(attributeName));

        var models = methods
            .Select(static (result, _) => result!.Model)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.Models);
        var diagnostics = methods
            .SelectMany(static (result, _) => result!.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(models, static (output, model) =>
            output.AddSource(model!.HintName, SourceText.From(MethodEmitter.Emit(model), System.Text.Encoding.UTF8)));
        context.RegisterSourceOutput(diagnostics, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));
    }
}

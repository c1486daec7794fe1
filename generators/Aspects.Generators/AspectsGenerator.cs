using Aspects.Generators.Emitting;
using Aspects.Generators.Model;
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
        var retry = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.Retry,
                predicate: static (_, _) => true,
                transform: static (context, cancellationToken) => MethodParser.Parse(context, AttributeNames.Retry, cancellationToken))
            .WithTrackingName(TrackingNames.RetryMethods);

        var models = retry
            .Select(static (result, _) => result.Model)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.Models);
        var diagnostics = retry
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(models, static (output, model) =>
            output.AddSource(model!.HintName, SourceText.From(MethodEmitter.Emit(model), System.Text.Encoding.UTF8)));
        context.RegisterSourceOutput(diagnostics, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));
    }
}

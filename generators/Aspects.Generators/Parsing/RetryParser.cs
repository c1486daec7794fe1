using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>Reads and validates a <c>[Retry]</c> attribute.</summary>
internal static class RetryParser
{
    private static readonly string[] BackoffNames = ["Constant", "Linear", "Exponential"];

    public static RetryModel? Parse(AttributeData attribute, KnownTypes known, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var maxAttempts = 3;
        var delay = 200;
        var maxDelay = 30_000;
        var backoff = 2;
        var jitter = true;
        var handle = new List<string>();
        var before = diagnostics.Count;

        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value;
            switch (argument.Key)
            {
                case "MaxAttempts" when value.Value is int v:
                    maxAttempts = v;
                    break;
                case "DelayMilliseconds" when value.Value is int v:
                    delay = v;
                    break;
                case "MaxDelayMilliseconds" when value.Value is int v:
                    maxDelay = v;
                    break;
                case "Backoff" when value.Value is int v:
                    backoff = v;
                    break;
                case "Jitter" when value.Value is bool v:
                    jitter = v;
                    break;
                case "Handle" when value.Kind == TypedConstantKind.Array && !value.IsNull:
                    foreach (var element in value.Values)
                    {
                        if (element.Value is not ITypeSymbol type)
                        {
                            continue;
                        }

                        if (!DerivesFrom(type, known.Exception))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(
                                DiagnosticDescriptors.HandleTypeNotException, ArgumentLocation(attribute, "Handle", cancellationToken), type.Short()));
                            continue;
                        }

                        handle.Add(type.Qualified());
                    }

                    break;
            }
        }

        if (maxAttempts < 1)
        {
            Invalid(attribute, "MaxAttempts", maxAttempts, "it counts every attempt including the first, so it must be at least 1", diagnostics, cancellationToken);
        }

        if (delay < 0)
        {
            Invalid(attribute, "DelayMilliseconds", delay, "a delay cannot be negative; use 0 to retry at once", diagnostics, cancellationToken);
        }

        if (maxDelay < delay)
        {
            Invalid(attribute, "MaxDelayMilliseconds", maxDelay, "it caps every delay, so it must be at least DelayMilliseconds (" + delay + ")", diagnostics, cancellationToken);
        }

        if (backoff < 0 || backoff >= BackoffNames.Length)
        {
            Invalid(attribute, "Backoff", backoff, "use RetryBackoff.Constant, RetryBackoff.Linear or RetryBackoff.Exponential", diagnostics, cancellationToken);
        }

        if (diagnostics.Count > before)
        {
            return null;
        }

        return new RetryModel(maxAttempts, delay, maxDelay, BackoffNames[backoff], jitter, handle.Distinct().ToEquatableArray());
    }

    private static bool DerivesFrom(ITypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static void Invalid(
        AttributeData attribute, string property, int value, string why, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken) =>
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.InvalidAttributeValue,
            ArgumentLocation(attribute, property, cancellationToken),
            "Retry",
            property,
            value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            why));

    /// <summary>The named argument's location, so the squiggle lands on the bad value; else the attribute's.</summary>
    public static Location? ArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return null;
        }

        var argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == name);
        return (argument ?? (SyntaxNode)syntax).GetLocation();
    }
}

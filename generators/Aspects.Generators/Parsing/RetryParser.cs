using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Aspects.Rules;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>Reads and validates a <c>[Retry]</c> attribute.</summary>
internal static class RetryParser
{
    // The generated code's names without global::, for the comment above the loop.
    private static readonly SymbolDisplayFormat Described =
        SymbolFormats.FullyQualified.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

    public static RetryModel? Parse(AttributeReader reader, KnownTypes known)
    {
        var maxAttempts = reader.Get(RetryRules.MaxAttempts, RetryRules.DefaultMaxAttempts);
        var delay = reader.Get(RetryRules.DelayMilliseconds, RetryRules.DefaultDelayMilliseconds);
        var maxDelay = reader.Get(RetryRules.MaxDelayMilliseconds, RetryRules.DefaultMaxDelayMilliseconds);
        var backoff = reader.Get(RetryRules.Backoff, RetryRules.DefaultBackoff);
        var jitter = reader.Get(RetryRules.Jitter, RetryRules.DefaultJitter);
        var policy = reader.GetPolicy();

        var handle = new List<HandledException>();
        foreach (var element in reader.GetArray("Handle"))
        {
            if (element.Value is not ITypeSymbol type)
            {
                continue;
            }

            if (!DerivesFrom(type, known.Exception))
            {
                reader.Report(DiagnosticDescriptors.HandleTypeNotException, "Handle", type.Short());
                continue;
            }

            handle.Add(new HandledException(type.Qualified(), type.ToDisplayString(Described)));
        }

        Check(reader, RetryRules.MaxAttempts, maxAttempts, RetryRules.CheckMaxAttempts(maxAttempts));
        Check(reader, RetryRules.DelayMilliseconds, delay, RetryRules.CheckDelayMilliseconds(delay));
        Check(reader, RetryRules.MaxDelayMilliseconds, maxDelay, RetryRules.CheckMaxDelayMilliseconds(maxDelay, delay));
        Check(reader, RetryRules.Backoff, backoff, RetryRules.CheckBackoff(backoff));

        return reader.HasErrors
            ? null
            : new RetryModel(maxAttempts, delay, maxDelay, backoff, jitter, handle.Distinct().ToEquatableArray(), policy);
    }

    private static void Check(AttributeReader reader, string name, int value, string? why)
    {
        if (why is not null)
        {
            reader.Invalid(name, value, why);
        }
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
}

using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>Reads and validates a <c>[Retry]</c> attribute.</summary>
internal static class RetryParser
{
    private static readonly string[] BackoffNames = ["Constant", "Linear", "Exponential"];

    public static RetryModel? Parse(AttributeReader reader, KnownTypes known)
    {
        var maxAttempts = reader.Get("MaxAttempts", 3);
        var delay = reader.Get("DelayMilliseconds", 200);
        var maxDelay = reader.Get("MaxDelayMilliseconds", 30_000);
        var backoff = reader.Get("Backoff", 2);
        var jitter = reader.Get("Jitter", true);
        var policy = reader.GetPolicy();

        var handle = new List<string>();
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

            handle.Add(type.Qualified());
        }

        if (maxAttempts < 1)
        {
            reader.Invalid("MaxAttempts", maxAttempts, "it counts every attempt including the first, so it must be at least 1");
        }

        if (delay < 0)
        {
            reader.Invalid("DelayMilliseconds", delay, "a delay cannot be negative; use 0 to retry at once");
        }

        if (maxDelay < delay)
        {
            reader.Invalid("MaxDelayMilliseconds", maxDelay, "it caps every delay, so it must be at least DelayMilliseconds (" + delay + ")");
        }

        if (backoff < 0 || backoff >= BackoffNames.Length)
        {
            reader.Invalid("Backoff", backoff, "use RetryBackoff.Constant, RetryBackoff.Linear or RetryBackoff.Exponential");
        }

        return reader.HasErrors
            ? null
            : new RetryModel(maxAttempts, delay, maxDelay, BackoffNames[backoff], jitter, handle.Distinct().ToEquatableArray(), policy);
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

using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Aspects.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>
/// Reads <c>[Batched]</c> and checks both shapes it needs: the declared single-key method and the
/// user's batch body, which takes every key of a batch at once.
/// </summary>
internal static class BatchParser
{
    public static BatchModel? Parse(
        AttributeReader reader,
        IMethodSymbol method,
        MethodDeclarationSyntax syntax,
        KnownTypes known,
        string coreName,
        List<DiagnosticInfo> diagnostics)
    {
        var maxBatchSize = reader.Get(BatchingRules.MaxBatchSize, BatchingRules.DefaultMaxBatchSize);
        var maxDelay = reader.Get(BatchingRules.MaxDelayMilliseconds, BatchingRules.DefaultMaxDelayMilliseconds);
        var throwOnMissingKey = reader.Get(BatchingRules.ThrowOnMissingKey, BatchingRules.DefaultThrowOnMissingKey);
        var policy = reader.GetPolicy();
        if (BatchingRules.CheckMaxBatchSize(maxBatchSize) is { } badSize)
        {
            reader.Invalid(BatchingRules.MaxBatchSize, maxBatchSize, badSize);
        }

        if (BatchingRules.CheckMaxDelayMilliseconds(maxDelay) is { } badDelay)
        {
            reader.Invalid(BatchingRules.MaxDelayMilliseconds, maxDelay, badDelay);
        }

        var keys = method.Parameters.Where(p => !SymbolEqualityComparer.Default.Equals(p.Type, known.CancellationToken)).ToList();
        var returned = method.ReturnType as INamedTypeSymbol;
        var returnsValue = returned is { TypeArguments.Length: 1 }
            && (SymbolEqualityComparer.Default.Equals(returned.OriginalDefinition, known.TaskOfT)
                || SymbolEqualityComparer.Default.Equals(returned.OriginalDefinition, known.ValueTaskOfT));
        string? problem = null;
        if (method.IsGenericMethod)
        {
            problem = "a generic method cannot be batched because its batcher is stored per method; make the key and value types concrete";
        }
        else if (keys.Count != 1)
        {
            problem = "it takes " + keys.Count + " key parameters; take exactly one key (plus an optional CancellationToken), e.g. a tuple or record for composite keys";
        }
        else if (!returnsValue)
        {
            problem = "it returns '" + method.ReturnType.Short() + "'; return Task<TValue> or ValueTask<TValue>";
        }
        else if (keys[0].NullableAnnotation == NullableAnnotation.Annotated || keys[0].Type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            problem = "its key type '" + keys[0].Type.Short() + "' is nullable; batch keys must not be null";
        }

        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BatchedMethodShape, syntax.Identifier.GetLocation(), method.Name, problem));
            return null;
        }

        var keyType = keys[0].Type;
        var valueType = returned!.TypeArguments[0];
        var candidates = method.ContainingType.GetMembers(coreName).OfType<IMethodSymbol>().ToList();
        if (candidates.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.MissingCoreMethod, syntax.Identifier.GetLocation(), method.Name, coreName, MissingCoreMethodFix.Add(ExpectedBody(method, coreName, keyType, valueType))));
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (MatchBody(candidate, method, keyType, valueType, known) is { } shape)
            {
                return reader.HasErrors
                    ? null
                    : new BatchModel(
                        keyType.Qualified(),
                        valueType.Qualified(),
                        MethodParser.Escape(keys[0].Name),
                        maxBatchSize,
                        maxDelay,
                        throwOnMissingKey,
                        shape.ReturnsList,
                        shape.TakesToken,
                        policy,
                        ExactKeyOf(keyType, known, method.ContainingAssembly),
                        CacheParser.IsUnsealedRecord(keyType));
            }
        }

        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.CoreMethodSignatureMismatch,
            candidates[0].Locations.FirstOrDefault(l => l.IsInSource) ?? syntax.Identifier.GetLocation(),
            candidates[0].ToDisplayString(SymbolFormats.Readable),
            method.Name,
            ExpectedBody(method, coreName, keyType, valueType) + " (the body of a [Batched] method receives every key of a batch; it may also return Dictionary<TKey, TValue> or IReadOnlyList<TValue> aligned with the keys, as Task or ValueTask)"));
        return null;
    }

    /// <summary>
    /// The key's shape when its own equality is not exact (the rule and the classification of <c>[Cached]</c>
    /// keys: equal only when the body cannot tell them apart), so the batcher compares exact components instead;
    /// <see langword="null"/> when the type's equality is exact, or when the type is not a supported key type and
    /// its own equality is all there is.
    /// </summary>
    private static KeyShape? ExactKeyOf(ITypeSymbol keyType, KnownTypes known, IAssemblySymbol assembly) =>
        CacheParser.ShapeOf(keyType, known, assembly) is { } shape && (CacheParser.IsUnsealedRecord(keyType) || HasInexactLeaf(shape)) ? shape : null;


    private static bool HasInexactLeaf(KeyShape shape) => shape.ExactType is not null || shape.Members.Any(m => HasInexactLeaf(m.Shape));

    private static (bool ReturnsList, bool TakesToken)? MatchBody(
        IMethodSymbol candidate, IMethodSymbol method, ITypeSymbol keyType, ITypeSymbol valueType, KnownTypes known)
    {
        if (candidate.IsStatic != method.IsStatic || candidate.IsGenericMethod || candidate.Parameters.Length is < 1 or > 2
            || candidate.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            return null;
        }

        var list = candidate.Parameters[0].Type as INamedTypeSymbol;
        if (list is null || !SymbolEqualityComparer.Default.Equals(list.OriginalDefinition, known.ReadOnlyList)
            || !SymbolEqualityComparer.Default.Equals(list.TypeArguments[0], keyType))
        {
            return null;
        }

        var takesToken = candidate.Parameters.Length == 2;
        if (takesToken && !SymbolEqualityComparer.Default.Equals(candidate.Parameters[1].Type, known.CancellationToken))
        {
            return null;
        }

        if (candidate.ReturnType is not INamedTypeSymbol { TypeArguments.Length: 1 } task
            || !(SymbolEqualityComparer.Default.Equals(task.OriginalDefinition, known.TaskOfT)
                || SymbolEqualityComparer.Default.Equals(task.OriginalDefinition, known.ValueTaskOfT))
            || task.TypeArguments[0] is not INamedTypeSymbol result)
        {
            return null;
        }

        var definition = result.OriginalDefinition;
        if ((SymbolEqualityComparer.Default.Equals(definition, known.ReadOnlyDictionary) || SymbolEqualityComparer.Default.Equals(definition, known.Dictionary))
            && SymbolEqualityComparer.Default.Equals(result.TypeArguments[0], keyType)
            && SymbolEqualityComparer.Default.Equals(result.TypeArguments[1], valueType))
        {
            return (false, takesToken);
        }

        if (SymbolEqualityComparer.Default.Equals(definition, known.ReadOnlyList) && SymbolEqualityComparer.Default.Equals(result.TypeArguments[0], valueType))
        {
            return (true, takesToken);
        }

        return null;
    }

    private static string ExpectedBody(IMethodSymbol method, string coreName, ITypeSymbol keyType, ITypeSymbol valueType) =>
        "private " + (method.IsStatic ? "static " : string.Empty) + "async Task<IReadOnlyDictionary<" + keyType.Short() + ", " + valueType.Short() + ">> "
        + coreName + "(IReadOnlyList<" + keyType.Short() + "> keys, CancellationToken cancellationToken)";
}

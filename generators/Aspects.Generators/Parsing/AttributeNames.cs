using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>Metadata names of the runtime types the generator recognizes.</summary>
internal static class AttributeNames
{
    public const string Cached = "Aspects.CachedAttribute";

    public const string InvalidatesCache = "Aspects.InvalidatesCacheAttribute";

    public const string NotCacheKey = "Aspects.NotCacheKeyAttribute";

    public const string Batched = "Aspects.BatchedAttribute";

    public const string Retry = "Aspects.RetryAttribute";

    public const string RateLimited = "Aspects.RateLimitedAttribute";

    public const string RateLimitPartition = "Aspects.RateLimitPartitionAttribute";

    /// <summary>Aspect attributes from the outermost layer to the innermost: the order they compose in.</summary>
    public static readonly string[] Composition = [Cached, InvalidatesCache, Batched, Retry, RateLimited];

    /// <summary><c>Aspects.RetryAttribute</c> → <c>Retry</c>, as users write it.</summary>
    public static string ShortName(string metadataName)
    {
        var name = metadataName.Substring(metadataName.LastIndexOf('.') + 1);
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    public const string AspectRuntime = "Aspects.AspectRuntime";

    /// <summary>
    /// The name above that <paramref name="attributeClass"/> has, or <see langword="null"/>: what
    /// <c>attributeClass.ToDisplayString()</c> compared with these names tells, without formatting a display
    /// string for every attribute of every method on every run.
    /// </summary>
    public static string? Of(INamedTypeSymbol? attributeClass)
    {
        if (attributeClass is null || attributeClass.Arity != 0 || attributeClass.ContainingType is not null
            || attributeClass.ContainingNamespace is not { Name: "Aspects", ContainingNamespace.IsGlobalNamespace: true })
        {
            return null;
        }

        return attributeClass.Name switch
        {
            "CachedAttribute" => Cached,
            "InvalidatesCacheAttribute" => InvalidatesCache,
            "NotCacheKeyAttribute" => NotCacheKey,
            "BatchedAttribute" => Batched,
            "RetryAttribute" => Retry,
            "RateLimitedAttribute" => RateLimited,
            "RateLimitPartitionAttribute" => RateLimitPartition,
            _ => null,
        };
    }
}

namespace Aspects.CodeFixes;

/// <summary>
/// IDs of the generator's diagnostics that have a fix. Kept as text so this assembly does not load the
/// generator's; <c>DiagnosticDescriptors</c> in Aspects.Generators is the source of truth.
/// </summary>
internal static class DiagnosticIds
{
    public const string MethodMustBePartial = "ASP0001";

    public const string TypeMustBePartial = "ASP0002";

    public const string MissingCoreMethod = "ASP0003";

    public const string UnsupportedCacheKey = "ASP0014";
}

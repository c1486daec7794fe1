namespace Aspects.Generators.Parsing;

/// <summary>
/// How the user's body method is named. Compiled into Aspects.CodeFixes too (linked source), so the fixes
/// name the body exactly as the generator expects it without loading the generator's assembly.
/// </summary>
internal static class CoreMethodName
{
    /// <summary><c>GetProductAsync</c> → <c>GetProductCoreAsync</c>; <c>GetProduct</c> → <c>GetProductCore</c>.</summary>
    public static string Of(string name) =>
        name.EndsWith("Async", StringComparison.Ordinal) && name.Length > "Async".Length
            ? name.Substring(0, name.Length - "Async".Length) + "CoreAsync"
            : name + "Core";
}

namespace Aspects.Generators.Diagnostics;

/// <summary>
/// The endings of the ASP0003 message (<see cref="DiagnosticDescriptors.MissingCoreMethod"/>): what to change when the
/// body method is missing. One descriptor, two fixes: add the body, or rename the near-named method that already has
/// the expected signature (the code fix offers the same two).
/// </summary>
internal static class MissingCoreMethodFix
{
    /// <summary>Add the body: <paramref name="expectedDeclaration"/> is the declaration to write, e.g. <c>private async Task&lt;int&gt; GetCoreAsync(int id)</c>.</summary>
    public static string Add(string expectedDeclaration) => ": add '" + expectedDeclaration + " { ... }' to the same type";

    /// <summary>Rename <paramref name="nearName"/> (see <see cref="Parsing.NearMissName"/>) to <paramref name="coreName"/>.</summary>
    public static string Rename(string nearName, string coreName) =>
        "; did you mean '" + nearName + "'? It has the expected signature, but the body must be named '" + coreName + "': rename '" + nearName + "' to '" + coreName + "'";
}

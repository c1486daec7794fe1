namespace Aspects.Generators.Model;

/// <summary>
/// The names of the members the generator adds to a user's type, written once for the emitters that declare them and
/// the parser that checks them against the user's members (ASP0021, ASP0022).
/// </summary>
internal static class GeneratedNames
{
    /// <summary>Every private generated member is <c>__aspects{Kind}_{suffix}</c>; the prefix is reserved.</summary>
    public const string Prefix = "__aspects";

    /// <summary>A private generated member: <paramref name="kind"/> (letters only) names what it is, <paramref name="memberSuffix"/> the method.</summary>
    public static string Member(string kind, string memberSuffix) => Prefix + kind + "_" + memberSuffix;

    /// <summary>The public <c>Invalidate{Name}</c> method [Cached] adds; <paramref name="methodName"/> may carry a verbatim <c>@</c>.</summary>
    public static string InvalidateMethod(string methodName) => "Invalidate" + methodName.TrimStart('@');
}

namespace Aspects.Generators.Parsing;

/// <summary>
/// Whether a method name is a near miss for the expected body name (<c>GetForecastAsyncCore</c> or
/// <c>GetForcastCoreAsync</c> for <c>GetForecastCoreAsync</c>), so ASP0003 can ask "did you mean" and the
/// code fix can offer a rename. Compiled into Aspects.CodeFixes too (linked source), so both apply one rule.
/// A name is near when it is not the expected name and either
/// <list type="bullet">
/// <item>it has the same letters, ignoring case and where (or whether) <c>Core</c> and <c>Async</c> appear:
/// both names without their first <c>Core</c> and first <c>Async</c> are equal ignoring case
/// (<c>GetForecastAsyncCore</c>, <c>getForecastCoreAsync</c>, <c>GetForecastCore</c>); or</item>
/// <item>it is a small typo away: at most one edit (insert, delete, replace, swap two neighbours; case
/// ignored; the Damerau–Levenshtein distance) for names up to 8 characters, two for longer ones
/// (<c>GetForcastCoreAsync</c>).</item>
/// </list>
/// </summary>
internal static class NearMissName
{
    /// <summary>The ASP0003 diagnostic property that holds the near name, which the code fix renames.</summary>
    public const string PropertyKey = "NearMiss";

    /// <summary>0 when <paramref name="candidate"/> is not near <paramref name="expected"/>; else 1 (same letters) or 2 + the edit distance, smaller is nearer.</summary>
    public static int Distance(string candidate, string expected)
    {
        if (string.Equals(candidate, expected, StringComparison.Ordinal))
        {
            return 0;
        }

        if (string.Equals(Letters(candidate), Letters(expected), StringComparison.OrdinalIgnoreCase))
        {
            return 1;
        }

        var allowed = expected.Length <= 8 ? 1 : 2;
        var edits = EditDistance(candidate.ToUpperInvariant(), expected.ToUpperInvariant(), allowed);
        return edits <= allowed ? 2 + edits : 0;
    }

    private static string Letters(string name) => Remove(Remove(name, "Core"), "Async");

    private static string Remove(string name, string part)
    {
        var index = name.IndexOf(part, StringComparison.OrdinalIgnoreCase);
        return index < 0 ? name : name.Remove(index, part.Length);
    }

    /// <summary>
    /// The Damerau–Levenshtein distance (fewest inserts, deletes, replacements and swaps of neighbours), or
    /// <paramref name="limit"/> + 1 when the lengths alone rule it out (Lowrance–Wagner).
    /// </summary>
    private static int EditDistance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        var infinity = a.Length + b.Length;
        var d = new int[a.Length + 2, b.Length + 2];
        d[0, 0] = infinity;
        for (var i = 0; i <= a.Length; i++)
        {
            d[i + 1, 0] = infinity;
            d[i + 1, 1] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j + 1] = infinity;
            d[1, j + 1] = j;
        }

        var lastRowOf = new Dictionary<char, int>();
        for (var i = 1; i <= a.Length; i++)
        {
            var lastMatchingColumn = 0;
            for (var j = 1; j <= b.Length; j++)
            {
                var i1 = lastRowOf.TryGetValue(b[j - 1], out var row) ? row : 0;
                var j1 = lastMatchingColumn;
                var cost = 1;
                if (a[i - 1] == b[j - 1])
                {
                    cost = 0;
                    lastMatchingColumn = j;
                }

                d[i + 1, j + 1] = Math.Min(
                    Math.Min(d[i, j] + cost, d[i + 1, j] + 1),
                    Math.Min(d[i, j + 1] + 1, d[i1, j1] + (i - i1 - 1) + 1 + (j - j1 - 1)));
            }

            lastRowOf[a[i - 1]] = i;
        }

        return d[a.Length + 1, b.Length + 1];
    }
}

using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>
/// The names of generated files. The compiler wants them unique ignoring case and made of letters,
/// digits and a few punctuation characters; one clash fails the whole generator run (CS8785), so every
/// distinct method gets a distinct name whatever it and its containers are called:
/// <list type="bullet">
/// <item>segments are the namespace parts, the containing types outermost first and the method's
/// member suffix (<see cref="MethodParser.MemberSuffixOf"/>, numbered for overloads), joined with <c>.</c>;</item>
/// <item>a generic type is written with its arity as in metadata (<c>Result`1</c>), which no identifier can
/// spell, so <c>Result&lt;T&gt;</c> and <c>ResultT1</c> differ;</item>
/// <item>a character an identifier may hold but a hint name may not (combining marks, connectors other
/// than <c>_</c>, format characters) is written as <c>(uXXXX)</c>;</item>
/// <item>a segment whose name equals a sibling's ignoring case (types <c>SmsApi</c> and <c>SmsAPI</c> in one
/// namespace, a namespace and a type, methods <c>Send</c> and <c>SEND</c>) gets its rank among them in ordinal
/// order, <c>SmsAPI[1]</c> and <c>SmsApi[2]</c>; names without such a sibling stay as they are.</item>
/// </list>
/// Two methods share a name only if every segment matches ignoring case; each segment is unique ignoring
/// case among its siblings, so that makes them the same method.
/// </summary>
internal static class HintNames
{
    /// <summary><c>Shop.Outer.Inner`1.</c>: the part of a hint name every method of the type shares.</summary>
    public static string PrefixOf(INamedTypeSymbol containingType, DeclarationFacts declarations)
    {
        var types = new Stack<INamedTypeSymbol>();
        for (var type = containingType; type is not null; type = type.ContainingType)
        {
            types.Push(type);
        }

        var name = new StringBuilder(declarations.Namespace(types.Peek().ContainingNamespace).Prefix);
        foreach (var type in types)
        {
            var rank = type.ContainingType is { } outer
                ? RankAmong(outer.GetTypeMembers(), type)
                : declarations.Namespace(type.ContainingNamespace).Twins?.Contains(type.MetadataName) == true
                    ? RankAmong(type.ContainingNamespace.GetMembers(), type)
                    : 0;
            AppendSegment(name, type.MetadataName, rank);
            name.Append('.');
        }

        return name.ToString();
    }

    /// <summary>
    /// The hint name prefix of <paramref name="namespace"/> (<c>Shop.Orders.</c>, empty for the global one) and
    /// the names of its members that have a twin ignoring case, or <see langword="null"/> when none has.
    /// </summary>
    public static (string Prefix, HashSet<string>? Twins) NamespaceFactsOf(INamespaceSymbol @namespace, DeclarationFacts declarations)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        HashSet<string>? twins = null;
        foreach (var member in @namespace.GetMembers())
        {
            if (!seen.Add(member.MetadataName))
            {
                (twins ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(member.MetadataName);
            }
        }

        if (@namespace.IsGlobalNamespace)
        {
            return (string.Empty, twins);
        }

        var parent = declarations.Namespace(@namespace.ContainingNamespace);
        var name = new StringBuilder(parent.Prefix);
        AppendSegment(name, @namespace.MetadataName, parent.Twins?.Contains(@namespace.MetadataName) == true
            ? RankAmong(@namespace.ContainingNamespace.GetMembers(), @namespace)
            : 0);
        return (name.Append('.').ToString(), twins);
    }

    /// <summary>The file name of <paramref name="method"/>, given its type's facts and its member suffix.</summary>
    public static string Of(TypeFacts facts, IMethodSymbol method, string memberSuffix)
    {
        var rank = CaseRankOf(method);
        if (rank == 0 && !NeedsEscaping(memberSuffix))
        {
            return facts.HintPrefix + memberSuffix + ".g.cs";
        }

        var name = new StringBuilder(facts.HintPrefix);
        AppendSegment(name, memberSuffix, rank);
        return name.Append(".g.cs").ToString();
    }

    /// <summary>
    /// The 1-based rank, in ordinal order, of <paramref name="method"/>'s name among the member names of its type
    /// that equal it ignoring case (methods <c>Send</c> and <c>SEND</c>), or 0 when no other name does. Member
    /// names are distinct, and the scan allocates nothing unless it finds such a twin.
    /// </summary>
    private static int CaseRankOf(IMethodSymbol method)
    {
        var before = 0;
        var twins = 0;
        foreach (var member in method.ContainingType.MemberNames)
        {
            if (member.Length == method.Name.Length && string.Equals(member, method.Name, StringComparison.OrdinalIgnoreCase))
            {
                twins++;
                before += string.CompareOrdinal(member, method.Name) < 0 ? 1 : 0;
            }
        }

        return twins > 1 ? before + 1 : 0;
    }

    /// <summary>
    /// The 1-based rank of <paramref name="symbol"/> among those of <paramref name="siblings"/> whose metadata
    /// name equals its own ignoring case (itself included), in ordinal order of the names, namespaces first;
    /// 0 when it has no such sibling.
    /// </summary>
    private static int RankAmong(IEnumerable<INamespaceOrTypeSymbol> siblings, INamespaceOrTypeSymbol symbol)
    {
        var text = symbol.MetadataName;
        var twins = 0;
        foreach (var sibling in siblings)
        {
            if (string.Equals(sibling.MetadataName, text, StringComparison.OrdinalIgnoreCase))
            {
                twins++;
            }
        }

        if (twins < 2)
        {
            return 0;
        }

        var group = siblings.Where(s => string.Equals(s.MetadataName, text, StringComparison.OrdinalIgnoreCase)).ToList();
        group.Sort(static (x, y) => string.CompareOrdinal(x.MetadataName, y.MetadataName) is var byName and not 0
            ? byName
            : (x is INamespaceSymbol ? 0 : 1) - (y is INamespaceSymbol ? 0 : 1));
        return group.FindIndex(s => SymbolEqualityComparer.Default.Equals(s, symbol)) + 1;
    }

    private static bool IsAllowed(char c) => char.IsLetterOrDigit(c) || c is '_' or '`';

    private static bool NeedsEscaping(string text)
    {
        foreach (var c in text)
        {
            if (!IsAllowed(c))
            {
                return true;
            }
        }

        return false;
    }

    private static void AppendSegment(StringBuilder name, string text, int rank)
    {
        foreach (var c in text)
        {
            if (IsAllowed(c))
            {
                name.Append(c);
            }
            else
            {
                name.Append("(u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append(')');
            }
        }

        if (rank > 0)
        {
            name.Append('[').Append(rank.ToString(CultureInfo.InvariantCulture)).Append(']');
        }
    }
}

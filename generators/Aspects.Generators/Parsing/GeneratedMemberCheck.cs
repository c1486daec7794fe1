using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>
/// Checks the members the generator adds next to a method against the members that are already there, so a
/// clash is reported on the user's declaration instead of as a compiler error inside generated code.
/// <list type="bullet">
/// <item>Private members (<c>__aspectsCache_{suffix}</c>, <c>__aspectsInner_{suffix}</c>, …) take a suffix that is
/// unique per method (<see cref="MethodParser.MemberSuffixOf"/>) after a prefix no two kinds share, so they
/// never clash with each other; a user member named <c>__aspects{Kind}_{suffix}</c> is reported (ASP0021).</item>
/// <item>The public <c>Invalidate{Name}</c> of a <c>[Cached]</c> method is checked against the type's own
/// members of that name, the accessible ones it inherits (which it would hide), the type's name, and the
/// <c>Invalidate{Name}</c> of the method's <c>[Cached]</c> overloads (ASP0022).</item>
/// </list>
/// Both look only at the members named like the generated ones, so the check costs a few name lookups.
/// </summary>
internal static class GeneratedMemberCheck
{
    /// <summary><c>GetProductAsync(int, CancellationToken)</c>: how messages name a method.</summary>
    private static readonly SymbolDisplayFormat Signature = new(
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeParameters,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeParamsRefOut,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly List<string> NoNames = [];

    /// <summary>The member names of <paramref name="type"/> that start with <see cref="GeneratedNames.Prefix"/>; almost always none.</summary>
    public static List<string> ReservedNamesOf(INamedTypeSymbol type)
    {
        List<string>? names = null;
        foreach (var name in type.MemberNames)
        {
            if (name.StartsWith(GeneratedNames.Prefix, StringComparison.Ordinal))
            {
                (names ??= []).Add(name);
            }
        }

        return names ?? NoNames;
    }

    /// <summary>Reports user members named like the private members generated for <paramref name="method"/>.</summary>
    public static void CheckReservedNames(IMethodSymbol method, string memberSuffix, TypeFacts facts, List<DiagnosticInfo> diagnostics)
    {
        foreach (var name in facts.ReservedMemberNames)
        {
            // __aspects{Kind}_{suffix}: the kind is letters only, so the suffix after its '_' names one method.
            var separator = name.IndexOf('_', GeneratedNames.Prefix.Length);
            if (separator < 0
                || name.Length - separator - 1 != memberSuffix.Length
                || string.CompareOrdinal(name, separator + 1, memberSuffix, 0, memberSuffix.Length) != 0)
            {
                continue;
            }

            foreach (var member in method.ContainingType.GetMembers(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ReservedMemberName,
                    member.Locations.FirstOrDefault(l => l.IsInSource),
                    name,
                    method.ContainingType.Name,
                    method.Name));
            }
        }
    }

    /// <summary>Reports what the <c>Invalidate{Name}</c> method of cached <paramref name="method"/> would clash with.</summary>
    public static void CheckInvalidateMethod(
        IMethodSymbol method, CacheModel cache, KnownTypes known, Location location, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var type = method.ContainingType;
        var name = GeneratedNames.InvalidateMethod(method.Name);
        if (KeyTypes(method, cache.Key, known) is not { } parameters)
        {
            return;
        }

        if (type.Name == name)
        {
            Report("the name of its type '" + type.Name + "' (a member cannot be named like its type)", "rename the method or the type");
            return;
        }

        foreach (var member in type.GetMembers(name))
        {
            if (member is not IMethodSymbol other || SameParameters(other, parameters))
            {
                Report(Describe(member) + " of '" + type.Name + "'", "rename or remove '" + member.Name + "', or rename '" + method.Name + "'");
                return;
            }
        }

        for (var @base = type.BaseType; @base is not null; @base = @base.BaseType)
        {
            foreach (var member in @base.GetMembers(name))
            {
                if (member.DeclaredAccessibility != Accessibility.Private && (member is not IMethodSymbol other || SameParameters(other, parameters)))
                {
                    Report("inherited " + Describe(member) + " of '" + @base.Name + "', which it would hide", "rename '" + method.Name + "' or the inherited member");
                    return;
                }
            }

            // A cached method of a base type gets its Invalidate method in generated code, which this compilation does not see.
            foreach (var member in @base.GetMembers(method.Name))
            {
                if (member is IMethodSymbol { DeclaredAccessibility: not Accessibility.Private } other && AddsTheSameInvalidateMethod(other, parameters, known, cancellationToken))
                {
                    Report(
                        "the one [Cached] adds to '" + @base.Name + "' for '" + other.ToDisplayString(Signature) + "', which it would hide",
                        "keep [Cached] on one of them (an override that calls the base method is cached by it)");
                    return;
                }
            }
        }

        // Only an earlier overload counts: the first of a clashing pair is generated, the later ones are reported.
        foreach (var other in type.GetMembers(method.Name).Length == 1 ? [] : MethodParser.OverloadsInOrder(method))
        {
            if (SymbolEqualityComparer.Default.Equals(other, method))
            {
                break;
            }

            if (AddsTheSameInvalidateMethod(other, parameters, known, cancellationToken))
            {
                Report(
                    "the one [Cached] adds for its earlier overload '" + other.ToDisplayString(Signature) + "', whose key has the same types",
                    "rename one of the overloads, or cache one of them and have the other call it");
                return;
            }
        }

        void Report(string clash, string fix) => diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.GeneratedMemberClash, location, method.Name, name + "(" + string.Join(", ", parameters.Select(p => p.Short())) + ")", clash, fix));
    }

    /// <summary>Whether <paramref name="other"/> is <c>[Cached]</c> and its <c>Invalidate{Name}</c> takes <paramref name="parameters"/>.</summary>
    private static bool AddsTheSameInvalidateMethod(IMethodSymbol other, List<ITypeSymbol> parameters, KnownTypes known, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return other.GetAttributes().Any(a => AttributeNames.Of(a.AttributeClass) == AttributeNames.Cached)
            && CacheParser.CachedKeyOf(other, known, cancellationToken) is var (key, _)
            && KeyTypes(other, key, known) is { } otherParameters
            && otherParameters.Count == parameters.Count
            && otherParameters.Zip(parameters, (x, y) => SymbolEqualityComparer.Default.Equals(x, y)).All(same => same);
    }

    /// <summary>The parameter types of the generated <c>Invalidate{Name}</c>: the key's, then the token.</summary>
    private static List<ITypeSymbol>? KeyTypes(IMethodSymbol method, CacheKeyModel key, KnownTypes known)
    {
        var types = new List<ITypeSymbol>(key.Parts.Count + 1);
        foreach (var part in key.Parts)
        {
            if (method.Parameters.FirstOrDefault(p => MethodParser.Escape(p.Name) == part.Parameter) is not { } parameter)
            {
                return null;
            }

            types.Add(parameter.Type);
        }

        if (known.CancellationToken is null)
        {
            return null;
        }

        types.Add(known.CancellationToken);
        return types;
    }

    private static bool SameParameters(IMethodSymbol method, List<ITypeSymbol> types)
    {
        if (method.Parameters.Length != types.Count || method.TypeParameters.Length != 0)
        {
            return false;
        }

        for (var i = 0; i < types.Count; i++)
        {
            if (method.Parameters[i].RefKind != RefKind.None || !SymbolEqualityComparer.Default.Equals(method.Parameters[i].Type, types[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(ISymbol member) => member switch
    {
        IMethodSymbol method => "method '" + method.ToDisplayString(Signature) + "'",
        IPropertySymbol => "property '" + member.Name + "'",
        IFieldSymbol => "field '" + member.Name + "'",
        IEventSymbol => "event '" + member.Name + "'",
        INamedTypeSymbol => "nested type '" + member.Name + "'",
        _ => "member '" + member.Name + "'",
    };
}

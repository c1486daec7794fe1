using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Aspects.Rules;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>Reads and validates a <c>[RateLimited]</c> attribute and the method's <c>[RateLimitPartition]</c> parameter.</summary>
internal static class RateLimitParser
{
    public static RateLimitModel? Parse(AttributeReader reader, string fullName, IMethodSymbol method, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var name = reader.Get<string?>(RateLimitRules.Name, null);
        var permitsPerSecond = reader.Get(RateLimitRules.PermitsPerSecond, RateLimitRules.DefaultPermitsPerSecond);
        var burst = reader.Get(RateLimitRules.Burst, RateLimitRules.DefaultBurst);
        var mode = reader.Get(RateLimitRules.Mode, RateLimitRules.DefaultMode);
        var maxWait = reader.Get(RateLimitRules.MaxWaitMilliseconds, RateLimitRules.DefaultMaxWaitMilliseconds);
        var scope = reader.Get(RateLimitRules.Scope, RateLimitRules.DefaultScope);
        var policy = reader.GetPolicy();

        if (name is not null && name.Trim().Length == 0)
        {
            reader.Invalid(RateLimitRules.Name, "\"" + name + "\"", "a bucket needs a name; leave Name out to use the method's full name");
        }

        Check(reader, RateLimitRules.PermitsPerSecond, permitsPerSecond, RateLimitRules.CheckPermitsPerSecond(permitsPerSecond));
        Check(reader, RateLimitRules.Burst, burst, RateLimitRules.CheckBurst(burst));
        Check(reader, RateLimitRules.Mode, mode, RateLimitRules.CheckMode(mode));
        Check(reader, RateLimitRules.MaxWaitMilliseconds, maxWait, RateLimitRules.CheckMaxWaitMilliseconds(maxWait));
        Check(reader, RateLimitRules.Scope, scope, RateLimitRules.CheckScope(scope));

        var partitionValid = TryParsePartition(method, known, diagnostics, out var partition);
        if (reader.HasErrors || !partitionValid)
        {
            return null;
        }

        return new RateLimitModel(
            name ?? fullName,
            permitsPerSecond,
            burst,
            RateLimitRules.ModeNames[mode],
            maxWait,
            RateLimitRules.ScopeNames[scope],
            policy,
            partition);
    }

    private static void Check(AttributeReader reader, string property, object value, string? why)
    {
        if (why is not null)
        {
            reader.Invalid(property, value, why);
        }
    }

    /// <summary>
    /// The <c>[RateLimitPartition]</c> parameter, if any: one at most, of a type whose cache-key text is a single
    /// segment (the partition key is formatted by the cache-key rules, so equal keys are exactly equal arguments).
    /// </summary>
    private static bool TryParsePartition(IMethodSymbol method, KnownTypes known, List<DiagnosticInfo> diagnostics, out RateLimitPartitionModel? partition)
    {
        partition = null;
        IParameterSymbol? first = null;
        var valid = true;
        foreach (var parameter in method.Parameters)
        {
            if (!parameter.GetAttributes().Any(a => AttributeNames.Of(a.AttributeClass) == AttributeNames.RateLimitPartition))
            {
                continue;
            }

            var location = parameter.Locations.FirstOrDefault();
            if (first is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SeveralRateLimitPartitions, location, method.Name, first.Name, parameter.Name));
                valid = false;
                continue;
            }

            first = parameter;
            var problem = ProblemOf(parameter, method, known, out var shape);
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedRateLimitPartition, location, parameter.Name, problem, method.Name));
                valid = false;
                continue;
            }

            partition = new RateLimitPartitionModel(MethodParser.Escape(parameter.Name), shape!);
        }

        return valid;
    }

    /// <summary>Why the parameter cannot be a partition key, or <see langword="null"/> with its key <paramref name="shape"/>.</summary>
    private static string? ProblemOf(IParameterSymbol parameter, IMethodSymbol method, KnownTypes known, out KeyShape? shape)
    {
        shape = null;
        if (method.GetAttributes().Any(a => AttributeNames.Of(a.AttributeClass) == AttributeNames.Batched))
        {
            return "a [Batched] method takes one permit per batch, which serves callers of many partitions";
        }

        var type = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : parameter.Type;
        if (type is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method })
        {
            return "its type '" + parameter.Type.Short() + "' is a type parameter of the method; use a concrete type";
        }

        shape = CacheParser.ShapeOf(parameter.Type, known, parameter.ContainingAssembly);
        return shape switch
        {
            null => "its type '" + parameter.Type.Short() + "' cannot be a key",
            { IsComposite: true } => "'" + parameter.Type.Short() + "' is a record or tuple, whose key has several parts",
            _ => null,
        };
    }
}

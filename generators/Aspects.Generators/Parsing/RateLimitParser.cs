using System.Globalization;
using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Parsing;

/// <summary>Reads and validates a <c>[RateLimited]</c> attribute and the method's <c>[RateLimitPartition]</c> parameter.</summary>
internal static class RateLimitParser
{
    private static readonly string[] ModeNames = ["Wait", "Reject"];
    private static readonly string[] ScopeNames = ["Local", "Distributed"];

    public static RateLimitModel? Parse(AttributeReader reader, string fullName, IMethodSymbol method, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var name = reader.Get<string?>("Name", null);
        var permitsPerSecond = reader.Get("PermitsPerSecond", 0d);
        var burst = reader.Get("Burst", 0);
        var mode = reader.Get("Mode", 0);
        var maxWait = reader.Get("MaxWaitMilliseconds", 30_000);
        var scope = reader.Get("Scope", 0);
        var policy = reader.GetPolicy();

        if (name is not null && name.Trim().Length == 0)
        {
            reader.Invalid("Name", "\"" + name + "\"", "a bucket needs a name; leave Name out to use the method's full name");
        }

        if (double.IsNaN(permitsPerSecond) || double.IsInfinity(permitsPerSecond) || permitsPerSecond <= 0)
        {
            reader.Invalid("PermitsPerSecond", permitsPerSecond, "set how many calls per second the bucket admits, a finite number above 0 (e.g. PermitsPerSecond = 50)");
        }

        if (burst < 0)
        {
            reader.Invalid("Burst", burst, "it is the bucket's capacity; use 0 for the default ceil(PermitsPerSecond), or a positive number");
        }

        if (mode < 0 || mode >= ModeNames.Length)
        {
            reader.Invalid("Mode", mode, "use RateLimitMode.Wait or RateLimitMode.Reject");
        }

        if (maxWait < 0)
        {
            reader.Invalid("MaxWaitMilliseconds", maxWait, "a wait cannot be negative; use 0 to never wait");
        }

        if (scope < 0 || scope >= ScopeNames.Length)
        {
            reader.Invalid("Scope", scope, "use RateLimitScope.Local or RateLimitScope.Distributed");
        }

        var partitionValid = TryParsePartition(method, known, diagnostics, out var partition);
        if (reader.HasErrors || !partitionValid)
        {
            return null;
        }

        var resolvedBurst = burst > 0 ? burst : (int)Math.Max(1, Math.Min(int.MaxValue, Math.Ceiling(permitsPerSecond)));
        return new RateLimitModel(
            name ?? fullName,
            permitsPerSecond.ToString("R", CultureInfo.InvariantCulture) + "d",
            resolvedBurst,
            ModeNames[mode],
            maxWait,
            ScopeNames[scope],
            policy,
            burst,
            partition);
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
            var problem = ProblemOf(parameter, method, known);
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedRateLimitPartition, location, parameter.Name, problem, method.Name));
                valid = false;
                continue;
            }

            var shape = CacheParser.ShapeOf(parameter.Type, known, parameter.ContainingAssembly)!;
            partition = new RateLimitPartitionModel(MethodParser.Escape(parameter.Name), parameter.Type.Qualified(), shape);
        }

        return valid;
    }

    private static string? ProblemOf(IParameterSymbol parameter, IMethodSymbol method, KnownTypes known)
    {
        if (method.GetAttributes().Any(a => AttributeNames.Of(a.AttributeClass) == AttributeNames.Batched))
        {
            return "a [Batched] method takes one permit per batch, which serves callers of many partitions";
        }

        var type = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : parameter.Type;
        if (type is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method })
        {
            return "its type '" + parameter.Type.Short() + "' is a type parameter of the method; use a concrete type";
        }

        return CacheParser.ShapeOf(parameter.Type, known, parameter.ContainingAssembly) switch
        {
            null => "its type '" + parameter.Type.Short() + "' cannot be a key",
            { IsComposite: true } => "'" + parameter.Type.Short() + "' is a record or tuple, whose key has several parts",
            _ => null,
        };
    }
}

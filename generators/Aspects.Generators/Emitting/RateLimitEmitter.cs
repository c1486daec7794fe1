using System.Globalization;
using Aspects.Generators.Model;
using Aspects.Rules;

namespace Aspects.Generators.Emitting;

/// <summary>The pieces of the <c>[RateLimited]</c> layer: the limiter lookup and the permit acquisition.</summary>
internal static class RateLimitEmitter
{
    private const string DefinitionType = "global::Aspects.RateLimiting.RateLimitDefinition";

    /// <summary>The comment over the permit: the bucket, its values and what an empty bucket does.</summary>
    /// <param name="rateLimit">The method's settings.</param>
    /// <param name="wholeBatch">Whether the permit is taken per batch attempt (a <c>[Batched]</c> loader) rather than per call attempt.</param>
    public static string Describe(RateLimitModel rateLimit, bool wholeBatch = false)
    {
        var values = rateLimit.PermitsPerSecond.ToString("R", CultureInfo.InvariantCulture) + " permits/s, burst "
            + Literals.Int(RateLimitRules.EffectiveBurst(rateLimit.PermitsPerSecond, rateLimit.Burst));
        var wait = RateLimitRules.Waits(rateLimit.Mode) ? "waits up to " + Literals.Int(rateLimit.MaxWaitMilliseconds) + " ms" : "rejects at once";
        var pays = wholeBatch ? " Every batch attempt pays a permit." : " Every attempt pays a permit.";
        var description = rateLimit.Policy is null
            ? "// [RateLimited] bucket \"" + rateLimit.Name + "\": " + values + ", " + rateLimit.Scope.ToLowerInvariant() + "; " + wait
                + " when empty." + pays
            : "// [RateLimited] bucket \"" + rateLimit.Name + "\", " + rateLimit.Scope.ToLowerInvariant() + ", policy \"" + rateLimit.Policy
                + "\" (defaults: " + values + "; " + wait + " when empty)." + pays;
        return rateLimit.Partition is null
            ? description
            : description + " One bucket per value of '" + rateLimit.Partition.Parameter.TrimStart('@') + "' ([RateLimitPartition]).";
    }

    // The method's RateLimitDefinition remembers its limiter: a field read instead of a lookup by name per call.
    // With a partition it remembers the method's RateLimitPartitions, and each acquisition names its partition.
    public static string Limiter(MethodModel model, RateLimitModel rateLimit, string runtime) =>
        DefinitionName(model) + (rateLimit.Partition is null ? ".Limiter(" : ".Partitions(") + runtime + ")";

    /// <summary>The type of what <see cref="Limiter"/> returns.</summary>
    public static string LimiterType(RateLimitModel rateLimit) =>
        rateLimit.Partition is null ? "global::Aspects.RateLimiting.AspectRateLimiter" : "global::Aspects.RateLimiting.RateLimitPartitions";

    public static string AcquireAsync(MethodModel model, RateLimitModel rateLimit, string limiter, string runtime, string? token) =>
        Acquisition("AcquireAsync", model, rateLimit, limiter, runtime, token);

    public static string Acquire(MethodModel model, RateLimitModel rateLimit, string limiter, string runtime, string? token) =>
        Acquisition("Acquire", model, rateLimit, limiter, runtime, token);

    // Every permit goes through the definition, which takes the mode and wait from its settings or, with a policy,
    // from the policy laid over them.
    private static string Acquisition(string method, MethodModel model, RateLimitModel rateLimit, string limiter, string runtime, string? token)
    {
        var partition = rateLimit.Partition is { } p ? PartitionKeyName(model) + "(" + p.Parameter + "), " : string.Empty;
        return DefinitionName(model) + "." + method + "(" + limiter + ", " + partition + runtime + ", " + Literals.Token(token) + ")";
    }

    /// <summary>
    /// The static members of a <c>[RateLimited]</c> method: its one definition (the bucket name, the attribute's
    /// values as settings, the scope and the policy, if any) and, with a partition, the partition key formatter.
    /// </summary>
    public static void EmitMembers(SourceWriter writer, MethodModel model, RateLimitModel rateLimit)
    {
        var settings = Literals.New(
            "global::Aspects.Policies.RateLimitSettings",
            ("permitsPerSecond", Literals.Double(rateLimit.PermitsPerSecond)),
            ("burst", Literals.Int(rateLimit.Burst)),
            ("mode", Literals.Enum("RateLimitMode", rateLimit.Mode)),
            ("maxWaitMilliseconds", Literals.Int(rateLimit.MaxWaitMilliseconds)));
        var scope = Literals.Enum("RateLimitScope", rateLimit.Scope);
        if (rateLimit.Policy is null)
        {
            MethodEmitter.EmitDefinition(writer, DefinitionType, DefinitionName(model), Literals.String(rateLimit.Name), settings, scope);
        }
        else
        {
            MethodEmitter.EmitDefinition(writer, DefinitionType, DefinitionName(model), Literals.String(rateLimit.Name), settings, scope, "policy: " + Literals.String(rateLimit.Policy));
        }

        if (rateLimit.Partition is { } partition)
        {
            // The partition key: the bucket name and the argument as one cache-key segment (CacheKeyBuilder's
            // escaping, so distinct arguments never share a key). Leaf shapes only; the argument itself is appended.
            writer.Line();
            writer.Line(MethodEmitter.GeneratedCodeAttribute);
            writer.Open("private static string " + PartitionKeyName(model) + "(" + partition.Shape.Type + " __value)");
            writer.Line("var __builder = new global::Aspects.Caching.CacheKeyBuilder(" + DefinitionName(model) + ".Name);");
            var names = 0;
            CacheEmitter.EmitAppend(writer, partition.Shape with { ExactType = null }, "__value", ref names);
            writer.Line("return __builder.ToString();");
            writer.Close();
        }
    }

    private static string DefinitionName(MethodModel model) => GeneratedNames.Member("RateLimit", model.MemberSuffix);

    private static string PartitionKeyName(MethodModel model) => GeneratedNames.Member("RateLimitPartitionKey", model.MemberSuffix);
}

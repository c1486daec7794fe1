using Aspects.Generators.Model;

namespace Aspects.Generators.Emitting;

/// <summary>The pieces of the <c>[RateLimited]</c> layer: the limiter lookup and the permit acquisition.</summary>
internal static class RateLimitEmitter
{
    public static string Describe(RateLimitModel rateLimit, bool wholeBatch = false)
    {
        var values = rateLimit.PermitsPerSecond.TrimEnd('d') + " permits/s, burst " + Literals.Int(rateLimit.Burst);
        var wait = rateLimit.Mode == "Wait" ? "waits up to " + Literals.Int(rateLimit.MaxWaitMilliseconds) + " ms" : "rejects at once";
        var description = rateLimit.Policy is null
            ? "// [RateLimited] bucket \"" + rateLimit.Name + "\": " + values + ", " + rateLimit.Scope.ToLowerInvariant() + "; " + wait
                + " when empty. " + (wholeBatch ? "Every batch attempt" : "Every attempt") + " pays a permit."
            : "// [RateLimited] bucket \"" + rateLimit.Name + "\", " + rateLimit.Scope.ToLowerInvariant() + ", policy \"" + rateLimit.Policy
                + "\" (defaults: " + values + "; " + wait + " when empty). " + (wholeBatch ? "Every batch attempt" : "Every attempt") + " pays a permit.";
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

    private static string Acquisition(string method, MethodModel model, RateLimitModel rateLimit, string limiter, string runtime, string? token)
    {
        if (rateLimit.Partition is { } partition)
        {
            var key = PartitionKeyName(model) + "(" + partition.Parameter + ")";
            return limiter + "." + method + "(" + key + ", "
                + (rateLimit.Policy is null ? Arguments(rateLimit, token) : BindingName(model) + ", " + runtime + ", " + Literals.Token(token)) + ")";
        }

        return rateLimit.Policy is null
            ? limiter + "." + method + "(" + Arguments(rateLimit, token) + ")"
            : BindingName(model) + "." + method + "(" + limiter + ", " + runtime + ", " + Literals.Token(token) + ")";
    }

    /// <summary>
    /// The static fields of a <c>[RateLimited]</c> method: its bucket definition and, with <c>Policy = ...</c>,
    /// the policy binding it reads (declared first: static fields initialize in order).
    /// </summary>
    public static void EmitMembers(SourceWriter writer, MethodModel model, RateLimitModel rateLimit)
    {
        var name = Literals.String(rateLimit.Name);
        var scope = "global::Aspects.RateLimitScope." + rateLimit.Scope;
        if (rateLimit.Policy is not null)
        {
            MethodEmitter.EmitPolicyBinding(writer, "RateLimitPolicyBinding", BindingName(model), rateLimit.Policy,
                "new global::Aspects.Policies.RateLimitSettings(" + rateLimit.PermitsPerSecond + ", " + Literals.Int(rateLimit.ConfiguredBurst)
                + ", global::Aspects.RateLimitMode." + rateLimit.Mode + ", " + Literals.Int(rateLimit.MaxWaitMilliseconds) + ")");
            writer.Line();
        }

        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Line("private static readonly global::Aspects.RateLimiting.RateLimitDefinition " + DefinitionName(model) + " = new("
            + name + ", "
            + (rateLimit.Policy is null ? rateLimit.PermitsPerSecond + ", " + Literals.Int(rateLimit.Burst) : BindingName(model))
            + ", " + scope + ");");

        if (rateLimit.Partition is { } partition)
        {
            // The partition key: the bucket name and the argument as one cache-key segment (CacheKeyBuilder's
            // escaping, so distinct arguments never share a key). Leaf shapes only; the argument itself is appended.
            writer.Line();
            writer.Line(MethodEmitter.GeneratedCodeAttribute);
            writer.Open("private static string " + PartitionKeyName(model) + "(" + partition.Type + " __value)");
            writer.Line("var __builder = new global::Aspects.Caching.CacheKeyBuilder(" + DefinitionName(model) + ".Name);");
            var names = 0;
            CacheEmitter.EmitAppend(writer, partition.Shape with { ExactType = null }, "__value", ref names);
            writer.Line("return __builder.ToString();");
            writer.Close();
        }
    }

    private static string BindingName(MethodModel model) => GeneratedNames.Member("RateLimitPolicy", model.MemberSuffix);

    private static string DefinitionName(MethodModel model) => GeneratedNames.Member("RateLimit", model.MemberSuffix);

    private static string PartitionKeyName(MethodModel model) => GeneratedNames.Member("RateLimitPartitionKey", model.MemberSuffix);

    private static string Arguments(RateLimitModel rateLimit, string? token) =>
        "global::Aspects.RateLimitMode." + rateLimit.Mode + ", global::System.TimeSpan.FromMilliseconds("
        + Literals.Int(rateLimit.MaxWaitMilliseconds) + "), " + Literals.Token(token);
}

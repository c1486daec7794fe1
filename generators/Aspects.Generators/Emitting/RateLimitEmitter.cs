using Aspects.Generators.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Aspects.Generators.Emitting;

/// <summary>The pieces of the <c>[RateLimited]</c> layer: the limiter lookup and the permit acquisition.</summary>
internal static class RateLimitEmitter
{
    public static string Describe(RateLimitModel rateLimit)
    {
        var values = rateLimit.PermitsPerSecond.TrimEnd('d') + " permits/s, burst " + RetryEmitter.Number(rateLimit.Burst);
        var wait = rateLimit.Mode == "Wait" ? "waits up to " + RetryEmitter.Number(rateLimit.MaxWaitMilliseconds) + " ms" : "rejects at once";
        return rateLimit.Policy is null
            ? "// [RateLimited] bucket \"" + rateLimit.Name + "\": " + values + ", " + rateLimit.Scope.ToLowerInvariant() + "; " + wait
                + " when empty. Every attempt pays a permit."
            : "// [RateLimited] bucket \"" + rateLimit.Name + "\", " + rateLimit.Scope.ToLowerInvariant() + ", policy \"" + rateLimit.Policy
                + "\" (defaults: " + values + "; " + wait + " when empty). Every attempt pays a permit.";
    }

    // The method's RateLimitDefinition remembers its limiter: a field read instead of a lookup by name per call.
    // The callers pass the RateLimitModel too; the definition field already carries its values.
    public static string Limiter(MethodModel model, RateLimitModel rateLimit, string runtime) =>
        DefinitionName(model) + ".Limiter(" + runtime + ")";

    public static string AcquireAsync(MethodModel model, RateLimitModel rateLimit, string limiter, string runtime, string? token) =>
        rateLimit.Policy is null
            ? limiter + ".AcquireAsync(" + Arguments(rateLimit, token) + ")"
            : BindingName(model) + ".AcquireAsync(" + limiter + ", " + runtime + ", " + RetryEmitter.Token(token) + ")";

    public static string Acquire(MethodModel model, RateLimitModel rateLimit, string limiter, string runtime, string? token) =>
        rateLimit.Policy is null
            ? limiter + ".Acquire(" + Arguments(rateLimit, token) + ")"
            : BindingName(model) + ".Acquire(" + limiter + ", " + runtime + ", " + RetryEmitter.Token(token) + ")";

    /// <summary>
    /// The static fields of a <c>[RateLimited]</c> method: its bucket definition and, with <c>Policy = ...</c>,
    /// the policy binding it reads (declared first: static fields initialize in order).
    /// </summary>
    public static void EmitMembers(SourceWriter writer, MethodModel model, RateLimitModel rateLimit)
    {
        var name = SymbolDisplay.FormatLiteral(rateLimit.Name, quote: true);
        var scope = "global::Aspects.RateLimitScope." + rateLimit.Scope;
        if (rateLimit.Policy is not null)
        {
            MethodEmitter.EmitPolicyBinding(writer, "RateLimitPolicyBinding", BindingName(model), rateLimit.Policy,
                "new global::Aspects.Policies.RateLimitSettings(" + rateLimit.PermitsPerSecond + ", " + RetryEmitter.Number(rateLimit.ConfiguredBurst)
                + ", global::Aspects.RateLimitMode." + rateLimit.Mode + ", " + RetryEmitter.Number(rateLimit.MaxWaitMilliseconds) + ")");
            writer.Line();
        }

        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Line("private static readonly global::Aspects.RateLimiting.RateLimitDefinition " + DefinitionName(model) + " = new("
            + name + ", "
            + (rateLimit.Policy is null ? rateLimit.PermitsPerSecond + ", " + RetryEmitter.Number(rateLimit.Burst) : BindingName(model))
            + ", " + scope + ");");
    }

    private static string BindingName(MethodModel model) => "__aspectsRateLimitPolicy_" + model.MemberSuffix;

    private static string DefinitionName(MethodModel model) => "__aspectsRateLimit_" + model.MemberSuffix;

    private static string Arguments(RateLimitModel rateLimit, string? token) =>
        "global::Aspects.RateLimitMode." + rateLimit.Mode + ", global::System.TimeSpan.FromMilliseconds("
        + RetryEmitter.Number(rateLimit.MaxWaitMilliseconds) + "), " + RetryEmitter.Token(token);
}

using Aspects.Generators.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Aspects.Generators.Emitting;

/// <summary>The pieces of the <c>[RateLimited]</c> layer: the limiter lookup and the permit acquisition.</summary>
internal static class RateLimitEmitter
{
    public static string Describe(RateLimitModel rateLimit) =>
        "// [RateLimited] bucket \"" + rateLimit.Name + "\": " + rateLimit.PermitsPerSecond.TrimEnd('d') + " permits/s, burst "
        + RetryEmitter.Number(rateLimit.Burst) + ", " + rateLimit.Scope.ToLowerInvariant() + "; "
        + (rateLimit.Mode == "Wait" ? "waits up to " + RetryEmitter.Number(rateLimit.MaxWaitMilliseconds) + " ms" : "rejects at once")
        + " when empty. Every attempt pays a permit.";

    public static string Limiter(RateLimitModel rateLimit, string runtime) =>
        runtime + ".RateLimiters.GetOrCreate(" + SymbolDisplay.FormatLiteral(rateLimit.Name, quote: true) + ", "
        + rateLimit.PermitsPerSecond + ", " + RetryEmitter.Number(rateLimit.Burst) + ", global::Aspects.RateLimitScope." + rateLimit.Scope + ")";

    public static string AcquireAsync(RateLimitModel rateLimit, string limiter, string? token) =>
        limiter + ".AcquireAsync(" + Arguments(rateLimit, token) + ")";

    public static string Acquire(RateLimitModel rateLimit, string limiter, string? token) =>
        limiter + ".Acquire(" + Arguments(rateLimit, token) + ")";

    private static string Arguments(RateLimitModel rateLimit, string? token) =>
        "global::Aspects.RateLimitMode." + rateLimit.Mode + ", global::System.TimeSpan.FromMilliseconds("
        + RetryEmitter.Number(rateLimit.MaxWaitMilliseconds) + "), " + RetryEmitter.Token(token);
}

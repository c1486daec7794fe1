using Microsoft.Extensions.Logging;

namespace Aspects.RateLimiting;

/// <summary>Log messages of the rate limiters (event IDs 2000–2099; source-generated, so disabled levels cost nothing).</summary>
internal static partial class RateLimitLog
{
    /// <summary>The logger category.</summary>
    public const string Category = "Aspects.RateLimiting";

    [LoggerMessage(EventId = 2001, EventName = "RateLimitDistributedWithoutStore", Level = LogLevel.Warning,
        Message = "Rate limiter '{LimiterName}' has Scope = Distributed, but no distributed store is configured " +
                  "(set AspectRuntimeOptions.DistributedRateLimiters, for example to a RedisRateLimiterFactory); " +
                  "using a bucket local to this process, so the limit applies per process.")]
    public static partial void DistributedWithoutFactory(ILogger logger, string limiterName);

    [LoggerMessage(EventId = 2002, EventName = "RateLimitDefinitionMismatch", Level = LogLevel.Warning,
        Message = "Rate limiter '{LimiterName}' was requested with PermitsPerSecond = {PermitsPerSecond}, Burst = {Burst}, " +
                  "Scope = {Scope}, but it already exists with PermitsPerSecond = {ExistingPermitsPerSecond}, " +
                  "Burst = {ExistingBurst}, Scope = {ExistingScope}; the first definition is used. Give the methods " +
                  "the same values or different names.")]
    public static partial void DefinitionMismatch(
        ILogger logger, string limiterName, double permitsPerSecond, int burst, RateLimitScope scope,
        double existingPermitsPerSecond, int existingBurst, RateLimitScope existingScope);
}

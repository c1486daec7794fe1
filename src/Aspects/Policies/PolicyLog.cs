using Microsoft.Extensions.Logging;

namespace Aspects.Policies;

/// <summary>Log messages about named policies (source-generated, so disabled levels cost nothing).</summary>
internal static partial class PolicyLog
{
    /// <summary>The logger category.</summary>
    public const string Category = "Aspects.Policies";

    [LoggerMessage(EventId = 5001, EventName = "PolicyReloadRejected", Level = LogLevel.Error,
        Message = "The reloaded Aspects policies are invalid and were ignored; the previous values stay in effect. {Problems}")]
    public static partial void ReloadRejected(ILogger logger, string problems);

    [LoggerMessage(EventId = 5002, EventName = "PolicyNotConfigured", Level = LogLevel.Warning,
        Message = "No policy '{PolicyName}' is configured in section {Section}; the methods naming it use their attribute's values. " +
                  "Add it under Aspects:{Section}:{PolicyName} (or AspectRuntimeOptions.Policies) or fix the name.")]
    public static partial void PolicyNotConfigured(ILogger logger, string section, string policyName);

    [LoggerMessage(EventId = 5003, EventName = "PolicyReloaded", Level = LogLevel.Information,
        Message = "Aspects policies reloaded: {CacheCount} cache, {RateLimitCount} rate-limit, {RetryCount} retry and {BatchingCount} batching policies.")]
    public static partial void Reloaded(ILogger logger, int cacheCount, int rateLimitCount, int retryCount, int batchingCount);

    [LoggerMessage(EventId = 5004, EventName = "PolicyLimiterNotReconfigurable", Level = LogLevel.Warning,
        Message = "Rate limiter '{LimiterName}' cannot change its rate or burst at run time; policy '{PolicyName}' takes effect after a restart.")]
    public static partial void LimiterNotReconfigurable(ILogger logger, string limiterName, string policyName);
}

namespace Aspects.RateLimiting;

/// <summary>What a distributed rate limiter does while its store (for example Redis) is unreachable.</summary>
public enum RateLimitFailureMode
{
    /// <summary>
    /// Lets every call through (logged and counted): a broken store must not take the service down.
    /// The limit is not enforced during the outage.
    /// </summary>
    FailOpen,

    /// <summary>
    /// Rejects every call with <see cref="RateLimitRejectedException"/> (its <c>InnerException</c> is the
    /// store's error, its <c>RetryAfter</c> is <see langword="null"/>): the limit is never exceeded.
    /// </summary>
    FailClosed,
}

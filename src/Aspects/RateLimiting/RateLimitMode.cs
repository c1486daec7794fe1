namespace Aspects;

/// <summary>What a <c>[RateLimited]</c> method does when no permit is available.</summary>
public enum RateLimitMode
{
    /// <summary>
    /// Waits in line (first come, first served) until a permit is available, up to
    /// <see cref="RateLimitedAttribute.MaxWaitMilliseconds"/>; throws <see cref="RateLimitRejectedException"/>
    /// when the wait would be longer.
    /// </summary>
    Wait,

    /// <summary>Throws <see cref="RateLimitRejectedException"/> at once.</summary>
    Reject,
}

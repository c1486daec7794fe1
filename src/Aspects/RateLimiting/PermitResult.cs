namespace Aspects.RateLimiting;

/// <summary>
/// What a limiter's <see cref="AspectRateLimiter.TakePermitsAsync"/> answers: the permits were taken (at once
/// or after a wait), or they were not. A rejection is an expected outcome, returned rather than thrown;
/// <see cref="AspectRateLimiter"/> turns it into a failed lease or a <see cref="RateLimitRejectedException"/>.
/// </summary>
public readonly struct PermitResult
{
    private PermitResult(bool isAcquired, bool waited, TimeSpan? retryAfter, RateLimitRejectedException? failure)
    {
        IsAcquired = isAcquired;
        Waited = waited;
        RetryAfter = retryAfter;
        Failure = failure;
    }

    /// <summary>The permits were available at once.</summary>
    public static PermitResult Acquired => new(true, false, null, null);

    /// <summary>The permits were taken after a wait.</summary>
    public static PermitResult AcquiredAfterWait => new(true, true, null, null);

    /// <summary>Whether the permits were taken.</summary>
    public bool IsAcquired { get; }

    /// <summary>Whether the caller waited for them (false when they were there at once, or when rejected).</summary>
    public bool Waited { get; }

    /// <summary>
    /// For a rejection: how long from now until the permits are expected to be available (never earlier than
    /// they are), or <see langword="null"/> when unknown.
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// For a rejection with another cause than "no permit in time" (a distributed store unreachable while the
    /// limiter fails closed): the exception to report, built but not thrown; otherwise <see langword="null"/>.
    /// </summary>
    public RateLimitRejectedException? Failure { get; }

    /// <summary>No permit within the allowed wait.</summary>
    /// <param name="retryAfter">How long until the permits are expected to be available, if known.</param>
    /// <returns>The rejection.</returns>
    public static PermitResult Rejected(TimeSpan? retryAfter) => new(false, false, retryAfter, null);

    /// <summary>Rejected for another reason, described by <paramref name="failure"/> (its message and cause).</summary>
    /// <param name="failure">The exception the caller of the limiter's own API gets.</param>
    /// <returns>The rejection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="failure"/> is null.</exception>
    public static PermitResult Failed(RateLimitRejectedException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(false, false, failure.RetryAfter, failure);
    }
}

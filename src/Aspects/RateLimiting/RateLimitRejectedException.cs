using System.Globalization;

namespace Aspects;

/// <summary>
/// Thrown by a <c>[RateLimited]</c> method when no permit was available: at once in
/// <see cref="RateLimitMode.Reject"/> mode, or when the wait would exceed the maximum in
/// <see cref="RateLimitMode.Wait"/> mode, or when a distributed store is unreachable and the
/// limiter fails closed.
/// </summary>
public sealed class RateLimitRejectedException : Exception
{
    /// <summary>Creates the exception for limiter <paramref name="limiterName"/>.</summary>
    /// <param name="limiterName">The bucket name.</param>
    /// <param name="retryAfter">When a permit is expected to be available, if known.</param>
    public RateLimitRejectedException(string limiterName, TimeSpan? retryAfter)
        : this(limiterName, retryAfter, DefaultMessage(limiterName, retryAfter), null)
    {
    }

    /// <summary>Creates the exception with a custom message.</summary>
    /// <param name="limiterName">The bucket name.</param>
    /// <param name="retryAfter">When a permit is expected to be available, if known.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, for example the error of an unreachable store.</param>
    public RateLimitRejectedException(string limiterName, TimeSpan? retryAfter, string message, Exception? innerException)
        : base(message, innerException)
    {
        LimiterName = limiterName;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the exception with a message only (no limiter name).</summary>
    public RateLimitRejectedException()
        : this(string.Empty, null, "The call was rejected by a rate limiter.", null)
    {
    }

    /// <summary>Creates the exception with a message only (no limiter name).</summary>
    /// <param name="message">The message.</param>
    public RateLimitRejectedException(string message)
        : this(string.Empty, null, message, null)
    {
    }

    /// <summary>Creates the exception with a message and a cause (no limiter name).</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RateLimitRejectedException(string message, Exception? innerException)
        : this(string.Empty, null, message, innerException)
    {
    }

    /// <summary>The name of the bucket that had no permit.</summary>
    public string LimiterName { get; }

    /// <summary>
    /// How long from the moment of the rejection until a permit is expected to be available (suitable
    /// for an HTTP <c>Retry-After</c>), or <see langword="null"/> when unknown (the store was unreachable).
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    private static string DefaultMessage(string limiterName, TimeSpan? retryAfter) => retryAfter is { } after
        ? string.Create(
            CultureInfo.InvariantCulture,
            $"Rate limiter '{limiterName}' has no permit available; the next one is expected in {after.TotalSeconds:0.###} s.")
        : $"Rate limiter '{limiterName}' has no permit available.";
}

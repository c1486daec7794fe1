using System.Net;

namespace Aspects.Retrying;

/// <summary>The built-in rules for exceptions that a <c>[Retry]</c> without <c>Handle</c> types retries.</summary>
public static class TransientExceptions
{
    /// <summary>
    /// <see langword="true"/> for <see cref="TimeoutException"/>, <see cref="IOException"/> and
    /// <see cref="HttpRequestException"/> without a status code (a connection failure) or with status
    /// 408, 429 or 5xx.
    /// </summary>
    /// <param name="exception">The exception an attempt failed with.</param>
    /// <returns>Whether another attempt may succeed.</returns>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutException => true,
        IOException => true,
        HttpRequestException http => http.StatusCode is null
            or HttpStatusCode.RequestTimeout
            or HttpStatusCode.TooManyRequests
            or >= HttpStatusCode.InternalServerError,
        _ => false,
    };
}

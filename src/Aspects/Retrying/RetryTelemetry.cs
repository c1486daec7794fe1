using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aspects.Telemetry;

namespace Aspects.Retrying;

/// <summary>
/// The <c>[Retry]</c> telemetry, called by generated wrappers between attempts: the <c>aspects.retry.retries</c>
/// counter on <see cref="AspectsTelemetry.Meter"/> and an <c>aspects.retry</c> event on the current span.
/// </summary>
public static class RetryTelemetry
{
    /// <summary>The name of the event added to the current span for each attempt that will be tried again.</summary>
    public const string EventName = "aspects.retry";

    private const string AttemptTag = "aspects.retry.attempt";
    private const string ExceptionTypeTag = "exception.type";

    private static readonly Counter<long> Retries = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.retry.retries", "{retry}",
        "Attempts of [Retry] methods that failed with a handled exception and are tried again, by method and exception type.");

    /// <summary>Records that attempt <paramref name="attempt"/> of <paramref name="method"/> failed and will be tried again.</summary>
    /// <param name="method">The method's full name (never argument values).</param>
    /// <param name="exception">The handled failure; its type name becomes the <c>error.type</c> tag.</param>
    /// <param name="attempt">The number of the attempt that failed (1 for the first).</param>
    public static void Retrying(string method, Exception exception, int attempt)
    {
        if (Retries.Enabled)
        {
            Retries.Add(
                1,
                new KeyValuePair<string, object?>(TelemetryTags.Method, method),
                TelemetryTags.Error(exception));
        }

        // The span is the caller's (or an enclosing aspect's): the attempt failed, the call has not, so an event
        // in the shape of OpenTelemetry's exception event (type only: a message may carry argument values).
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            AddEvent(activity, method, exception, attempt);
        }
    }

    private static void AddEvent(Activity activity, string method, Exception exception, int attempt)
    {
        var tags = new ActivityTagsCollection
        {
            { TelemetryTags.Method, method },
            { ExceptionTypeTag, exception.GetType().FullName },
            { AttemptTag, attempt },
        };
        activity.AddEvent(new ActivityEvent(EventName, tags: tags));
    }
}

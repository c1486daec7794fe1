using System.Diagnostics.Metrics;
using Aspects.Telemetry;

namespace Aspects.Retrying;

/// <summary>The <c>[Retry]</c> instruments on <see cref="AspectsTelemetry.Meter"/>; called by generated wrappers.</summary>
public static class RetryTelemetry
{
    private const string MethodTag = "aspects.method";
    private const string ExceptionTag = "error.type";

    private static readonly Counter<long> Retries = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.retry.attempts", "{retry}",
        "Attempts of [Retry] methods that failed with a handled exception and are tried again, by method and exception type.");

    /// <summary>Records that an attempt of <paramref name="method"/> failed and will be tried again.</summary>
    /// <param name="method">The method's full name (never argument values).</param>
    /// <param name="exception">The handled failure; its type name becomes the <c>error.type</c> tag.</param>
    public static void Retrying(string method, Exception exception)
    {
        if (Retries.Enabled)
        {
            Retries.Add(
                1,
                new KeyValuePair<string, object?>(MethodTag, method),
                new KeyValuePair<string, object?>(ExceptionTag, exception.GetType().FullName));
        }
    }
}

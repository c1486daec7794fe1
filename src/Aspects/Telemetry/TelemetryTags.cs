using System.Diagnostics;

namespace Aspects.Telemetry;

/// <summary>
/// Tag names shared by the instruments and spans of every aspect (documented in docs/telemetry.md), and the
/// OpenTelemetry way of marking a span as failed.
/// </summary>
internal static class TelemetryTags
{
    /// <summary>The method's full name (<c>Namespace.Type.Method</c>); never an argument value.</summary>
    public const string Method = "aspects.method";

    /// <summary>OpenTelemetry's <c>error.type</c>: the failure's exception type (full name).</summary>
    public const string ErrorType = "error.type";

    /// <summary>
    /// Bucket boundaries advised for duration histograms (seconds), as ASP.NET Core advises for its own: the
    /// OpenTelemetry SDK's default boundaries are meant for milliseconds.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    public static KeyValuePair<string, object?> Error(Exception exception) => new(ErrorType, exception.GetType().FullName);

    /// <summary>
    /// Marks <paramref name="activity"/> failed the OpenTelemetry way: status Error and <c>error.type</c>. The
    /// message stays out: it may carry argument values.
    /// </summary>
    public static void SetError(Activity activity, Exception exception)
    {
        activity.SetStatus(ActivityStatusCode.Error);
        activity.SetTag(ErrorType, exception.GetType().FullName);
    }
}

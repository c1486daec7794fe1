using System.Diagnostics.Metrics;
using Aspects.Telemetry;

namespace Aspects.RateLimiting;

/// <summary>The rate-limiting instruments on <see cref="AspectsTelemetry.Meter"/> and their span name (docs/telemetry.md).</summary>
internal static class RateLimitMetrics
{
    public const string LimiterTag = "aspects.limiter";
    public const string ResultTag = "aspects.ratelimit.result";

    /// <summary>The span of an acquisition that did not complete at once is this plus the limiter's name.</summary>
    public const string SpanNamePrefix = "aspects.ratelimit ";

    public static readonly Counter<long> Acquisitions = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.ratelimit.acquisitions", "{acquisition}",
        "Permit requests of [RateLimited] buckets by result: acquired (at once), waited, rejected.");

    public static readonly Histogram<double> WaitTime = AspectsTelemetry.Meter.CreateHistogram<double>(
        "aspects.ratelimit.wait_time", "s", "How long calls that had to wait for a permit waited.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryTags.DurationBuckets });

    // Tag values are interned constants so recording allocates nothing.
    public static void Record(string limiter, string result)
    {
        // Skips building the tags on the hot path when nobody listens.
        if (Acquisitions.Enabled)
        {
            Acquisitions.Add(1, new KeyValuePair<string, object?>(LimiterTag, limiter), new KeyValuePair<string, object?>(ResultTag, result));
        }
    }
}

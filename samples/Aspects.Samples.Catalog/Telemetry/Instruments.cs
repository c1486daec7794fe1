using Aspects.Telemetry;

namespace Aspects.Samples.Catalog.Telemetry;

/// <summary>One instrument the sample reads: its meter, its name, and the tags whose values tell measurements apart.</summary>
/// <param name="Meter">The meter's name.</param>
/// <param name="Name">The instrument's name.</param>
/// <param name="Tags">The tag keys that key the totals, in order; other tags are summed over.</param>
public sealed record InstrumentSpec(string Meter, string Name, params string[] Tags);

/// <summary>
/// Every instrument name and tag key the sample depends on, in one place. All but the last come from the library's
/// meter <c>Aspects</c> (see docs/telemetry.md); the last is the sample's own.
/// </summary>
public static class Instruments
{
    /// <summary>The name of the sample's own meter.</summary>
    public const string SampleMeter = "Aspects.Samples.Catalog";

    /// <summary>Cache lookups by method, tier (l1, l2, source) and result (hit, miss).</summary>
    public static readonly InstrumentSpec CacheRequests =
        new(AspectsTelemetry.Name, "aspects.cache.requests", "aspects.method", "aspects.cache.tier", "aspects.cache.result");

    /// <summary>Applied invalidations by method and origin (local: this node; remote: another node, via the backplane).</summary>
    public static readonly InstrumentSpec CacheInvalidations =
        new(AspectsTelemetry.Name, "aspects.cache.invalidations", "aspects.method", "aspects.cache.invalidation.origin");

    /// <summary>Failed operations of the Redis tier by method and operation; the calls fell back to memory and the database.</summary>
    public static readonly InstrumentSpec CacheL2Errors =
        new(AspectsTelemetry.Name, "aspects.cache.l2_errors", "aspects.method", "aspects.cache.operation");

    /// <summary>Distinct keys per batch load (a histogram: its count is the number of batches).</summary>
    public static readonly InstrumentSpec BatchSize = new(AspectsTelemetry.Name, "aspects.batch.size", "aspects.method");

    /// <summary>Calls served by batch loads.</summary>
    public static readonly InstrumentSpec BatchCalls = new(AspectsTelemetry.Name, "aspects.batch.calls", "aspects.method");

    /// <summary>Permit requests by limiter and result (acquired, waited, rejected).</summary>
    public static readonly InstrumentSpec RateLimitAcquisitions =
        new(AspectsTelemetry.Name, "aspects.ratelimit.acquisitions", "aspects.limiter", "aspects.ratelimit.result");

    /// <summary>How long calls that waited for a permit waited, in seconds.</summary>
    public static readonly InstrumentSpec RateLimitWaitTime = new(AspectsTelemetry.Name, "aspects.ratelimit.wait_time", "aspects.limiter");

    /// <summary>Failed attempts that [Retry] tried again, by method.</summary>
    public static readonly InstrumentSpec Retries = new(AspectsTelemetry.Name, "aspects.retry.retries", "aspects.method");

    /// <summary>The sample's own histogram: each public call's duration in milliseconds, by method and outcome (ok, error, rejected).</summary>
    public static readonly InstrumentSpec CallDuration = new(SampleMeter, "catalog.call.duration", "catalog.method", "catalog.outcome");

    /// <summary>All of the above.</summary>
    public static readonly IReadOnlyList<InstrumentSpec> All =
        [CacheRequests, CacheInvalidations, CacheL2Errors, BatchSize, BatchCalls, RateLimitAcquisitions, RateLimitWaitTime, Retries, CallDuration];
}

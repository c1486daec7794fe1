using System.Diagnostics.Metrics;
using Aspects.Telemetry;

namespace Aspects.Caching;

/// <summary>The cache's instruments on <see cref="AspectsTelemetry.Meter"/> and its span name (documented in docs/telemetry.md).</summary>
internal static class CacheTelemetry
{
    /// <summary>The span of a shared attempt (L1 miss: L2 lookup and, on an L2 miss, the body) is this plus the method name.</summary>
    public const string SpanNamePrefix = "aspects.cache ";

    /// <summary>The event added to the current span when an L2 operation fails (the call goes on without the L2).</summary>
    public const string L2ErrorEventName = "aspects.cache.l2_error";

    public static readonly Counter<long> Requests = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.cache.requests", "{request}", "Cache lookups by tier (l1, l2, source) and result (hit, miss).");

    public static readonly Counter<long> L2Errors = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.cache.l2_errors", "{error}", "Failed L2 operations; the call fell back to memory and the method body.");

    public static readonly Counter<long> BackplaneErrors = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.cache.backplane_errors", "{error}", "Invalidations the backplane failed to publish or subscriptions it failed to open.");

    public static readonly Counter<long> Invalidations = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.cache.invalidations", "{invalidation}", "Applied invalidations by kind (key, tag) and origin (local, remote).");

    // Tag pairs are preallocated so that recording never allocates.
    public static readonly KeyValuePair<string, object?> TierL1 = new("aspects.cache.tier", "l1");
    public static readonly KeyValuePair<string, object?> TierL2 = new("aspects.cache.tier", "l2");
    public static readonly KeyValuePair<string, object?> TierSource = new("aspects.cache.tier", "source");
    public static readonly KeyValuePair<string, object?> Hit = new("aspects.cache.result", "hit");
    public static readonly KeyValuePair<string, object?> Miss = new("aspects.cache.result", "miss");
    public static readonly KeyValuePair<string, object?> KindKey = new("aspects.cache.invalidation.kind", "key");
    public static readonly KeyValuePair<string, object?> KindTag = new("aspects.cache.invalidation.kind", "tag");
    public static readonly KeyValuePair<string, object?> KindAll = new("aspects.cache.invalidation.kind", "all");
    public static readonly KeyValuePair<string, object?> OriginLocal = new("aspects.cache.invalidation.origin", "local");
    public static readonly KeyValuePair<string, object?> OriginRemote = new("aspects.cache.invalidation.origin", "remote");

    public static KeyValuePair<string, object?> Method(string methodName) => new(TelemetryTags.Method, methodName);

    public static KeyValuePair<string, object?> Operation(string operation) => new("aspects.cache.operation", operation);
}

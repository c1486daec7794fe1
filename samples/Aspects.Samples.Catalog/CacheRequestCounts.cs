using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Aspects.Telemetry;

namespace Aspects.Samples.Catalog;

/// <summary>
/// Hits and misses per cache tier, read from the runtime's <c>aspects.cache.requests</c> counter with a
/// <see cref="MeterListener"/>: the same numbers an OpenTelemetry exporter would ship.
/// </summary>
public sealed class CacheRequestCounts : IDisposable
{
    private static readonly string[] Tiers = ["l1", "l2", "source"];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Tier, string Result), long> _counts = new();

    /// <summary>Starts counting the requests of <paramref name="method"/> (<c>Namespace.Type.Method</c>).</summary>
    public CacheRequestCounts(string method)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AspectsTelemetry.Name && instrument.Name == "aspects.cache.requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? forMethod = null, tier = null, result = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "aspects.method": forMethod = tag.Value as string; break;
                    case "cache.tier": tier = tag.Value as string; break;
                    case "cache.result": result = tag.Value as string; break;
                }
            }

            if (forMethod == method && tier is not null && result is not null)
            {
                _counts.AddOrUpdate((tier, result), value, (_, total) => total + value);
            }
        });
        _listener.Start();
    }

    /// <summary>Writes one row per tier: hits, misses.</summary>
    public void Print(bool hasL2)
    {
        Console.WriteLine("  tier     hits  misses   (from the aspects.cache.requests metric)");
        foreach (var tier in Tiers)
        {
            if (tier == "l2" && !hasL2)
            {
                Console.WriteLine("  l2          -       -   (no Redis: set ASPECTS_REDIS or pass --redis <connection string>)");
                continue;
            }

            var hits = tier == "source" ? "-" : _counts.GetValueOrDefault((tier, "hit")).ToString();
            Console.WriteLine($"  {tier,-6} {hits,6} {_counts.GetValueOrDefault((tier, "miss")),7}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}

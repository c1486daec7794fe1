using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Aspects.Telemetry;

namespace Aspects.Tests.Infrastructure;

/// <summary>
/// Records the measurements of one Aspects instrument whose <c>aspects.limiter</c> tag is
/// <paramref name="limiter"/>, so tests running in parallel do not see each other's measurements.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MetricRecorder(string instrument, string limiter)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == AspectsTelemetry.Name && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags, limiter));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(value, tags, limiter));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Measurements => [.. _measurements];

    /// <summary>The sum of the measurements whose tag <paramref name="key"/> is <paramref name="value"/>.</summary>
    public double Sum(string key, string value) =>
        Measurements.Where(m => m.Tags.TryGetValue(key, out var v) && v == value).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string limiter)
    {
        var matches = false;
        foreach (var tag in tags)
        {
            matches |= tag.Key == "aspects.limiter" && tag.Value as string == limiter;
        }

        if (!matches)
        {
            return;
        }

        var copy = new Dictionary<string, string>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value as string ?? string.Empty;
        }

        _measurements.Enqueue(new Measurement(value, copy));
    }

    public sealed record Measurement(double Value, IReadOnlyDictionary<string, string> Tags);
}

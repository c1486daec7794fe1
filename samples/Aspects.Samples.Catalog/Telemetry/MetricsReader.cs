using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Aspects.Samples.Catalog.Telemetry;

/// <summary>
/// Listens to the instruments of <see cref="Instruments.All"/> with a <see cref="MeterListener"/> — the same
/// measurements an OpenTelemetry exporter would ship — and keeps totals per tag combination.
/// </summary>
public sealed class MetricsReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();
    private readonly ConcurrentDictionary<string, Distribution> _distributions = new();

    /// <summary>Starts listening.</summary>
    public MetricsReader()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            foreach (var spec in Instruments.All)
            {
                if (instrument.Meter.Name == spec.Meter && instrument.Name == spec.Name)
                {
                    listener.EnableMeasurementEvents(instrument, spec);
                }
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.Start();
    }

    /// <summary>The sum of a counter's measurements with the given tag values (<see langword="null"/>: any value).</summary>
    public long Total(InstrumentSpec spec, params string?[] tagValues)
    {
        long total = 0;
        foreach (var (key, value) in _totals)
        {
            if (Matches(key, spec, tagValues))
            {
                total += value;
            }
        }

        return total;
    }

    /// <summary>A histogram's measurements with the given tag values (<see langword="null"/>: any value), merged.</summary>
    public Distribution Distribution(InstrumentSpec spec, params string?[] tagValues)
    {
        var matching = _distributions.Where(pair => Matches(pair.Key, spec, tagValues)).Select(pair => pair.Value).ToList();
        return matching.Count == 1 ? matching[0] : Telemetry.Distribution.Merge(matching);
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private static string Key(InstrumentSpec spec, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var values = new string?[spec.Tags.Length];
        foreach (var tag in tags)
        {
            var at = Array.IndexOf(spec.Tags, tag.Key);
            if (at >= 0)
            {
                values[at] = tag.Value?.ToString();
            }
        }

        return spec.Name + "\u001f" + string.Join('\u001f', values);
    }

    private static bool Matches(string key, InstrumentSpec spec, string?[] tagValues)
    {
        var parts = key.Split('\u001f');
        if (parts[0] != spec.Name)
        {
            return false;
        }

        for (var i = 0; i < tagValues.Length; i++)
        {
            if (tagValues[i] is { } wanted && parts[i + 1] != wanted)
            {
                return false;
            }
        }

        return true;
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var spec = (InstrumentSpec)state!;
        var key = Key(spec, tags);
        if (instrument is Histogram<int> or Histogram<long> or Histogram<double>)
        {
            _distributions.GetOrAdd(key, static _ => new Distribution()).Record(value);
        }
        else
        {
            _totals.AddOrUpdate(key, (long)value, (_, total) => total + (long)value);
        }
    }
}

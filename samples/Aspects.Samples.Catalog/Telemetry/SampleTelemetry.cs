using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Aspects.Samples.Catalog.Telemetry;

/// <summary>The sample's own meter: how long each public call of the catalog took, as the caller saw it.</summary>
public static class SampleTelemetry
{
    private static readonly Meter Meter = new(Instruments.SampleMeter);

    private static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>(
        Instruments.CallDuration.Name, "ms", "Duration of public catalog calls, aspects included.");

    /// <summary>The first failure of each method that had one, for the report.</summary>
    public static ConcurrentDictionary<string, string> FirstErrors { get; } = new();

    /// <summary>Runs <paramref name="call"/> and records its duration and outcome under <paramref name="method"/>.</summary>
    public static async Task TimeAsync(string method, Func<Task> call)
    {
        var start = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            await call();
        }
        catch (RateLimitRejectedException)
        {
            outcome = "rejected";
        }
        catch (Exception exception)
        {
            outcome = "error"; // e.g. [Retry] gave up: the last attempt's exception reaches the caller
            FirstErrors.TryAdd(method, $"{exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            CallDuration.Record(
                Stopwatch.GetElapsedTime(start).TotalMilliseconds,
                new KeyValuePair<string, object?>(Instruments.CallDuration.Tags[0], method),
                new KeyValuePair<string, object?>(Instruments.CallDuration.Tags[1], outcome));
        }
    }
}

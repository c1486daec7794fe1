using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aspects.Telemetry;

namespace Aspects.Batching;

// Metrics, the batch span and the failure log of loads.
public sealed partial class MicroBatcher<TKey, TValue>
{
    private static readonly Histogram<int> BatchSize = AspectsTelemetry.Meter.CreateHistogram<int>(
        "aspects.batch.size", unit: "{key}", description: "Distinct keys per batch load.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });

    private static readonly Histogram<double> BatchDuration = AspectsTelemetry.Meter.CreateHistogram<double>(
        "aspects.batch.duration", unit: "s", description: "How long batch loads took, from start to result or failure.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryTags.DurationBuckets });

    private static readonly Counter<long> BatchCalls = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.batch.calls", unit: "{call}", description: "Calls served by batch loads (duplicates included).");

    private static readonly Counter<long> BatchFailures = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.batch.failures", unit: "{batch}", description: "Batch loads that failed.");

    private static readonly Counter<long> BatchRejections = AspectsTelemetry.Meter.CreateCounter<long>(
        "aspects.batch.rejections", unit: "{call}", description: "Calls rejected because too many batches were queued.");

    private const string SpanNamePrefix = "aspects.batch ";
    private const string BatchSizeTag = "aspects.batch.size";
    private const string BatchCallersTag = "aspects.batch.callers";

    private readonly KeyValuePair<string, object?> _methodTag;
    private readonly string _spanName;

    // The batch's span: a child of the caller that opened the batch (so a lone caller sees its load nested under it),
    // linked to every other caller's span. The load's own spans (a database query) nest under it.
    private Activity? StartActivity(Batch batch)
    {
        if (batch.Opener == default)
        {
            // No caller had a span: a root span, not a child of whatever context the timer happened to flow.
            Activity.Current = null;
        }

        var activity = AspectsTelemetry.ActivitySource.StartActivity(
            _spanName, ActivityKind.Internal, batch.Opener, tags: null, links: batch.Links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryTags.Method, _name);
            activity.SetTag(BatchSizeTag, batch.Keys.Count);
            activity.SetTag(BatchCallersTag, batch.Callers);
        }

        return activity;
    }

    // Records a finished load (keys, callers, duration, failure), logs a failure and ends the load's span.
    private void EndLoad(Batch batch, long started, Exception? failure, Activity? activity)
    {
        BatchSize.Record(batch.Keys.Count, _methodTag);
        BatchCalls.Add(batch.Callers, _methodTag);
        // A load that stopped because every caller cancelled did what was asked: no failure to count or log.
        if (failure is not null && !(failure is OperationCanceledException && batch.Cts is { IsCancellationRequested: true }))
        {
            var errorType = TelemetryTags.Error(failure);
            BatchDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, _methodTag, errorType);
            BatchFailures.Add(1, _methodTag, errorType);
            MicroBatcherLog.BatchFailed(_logger, failure, _name, batch.Keys.Count, batch.Callers);
            if (activity is not null)
            {
                TelemetryTags.SetError(activity, failure);
            }
        }
        else
        {
            BatchDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, _methodTag);
        }

        activity?.Dispose();
    }
}

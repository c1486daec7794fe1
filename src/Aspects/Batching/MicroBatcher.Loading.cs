using Aspects.Policies;
using Aspects.Telemetry;

namespace Aspects.Batching;

// Running loads: at most MaxConcurrentBatches at once, flushed batches beyond them queued (at most
// MaxQueuedBatches), calls that would need a batch beyond that rejected.
public sealed partial class MicroBatcher<TKey, TValue>
{
    // Closes the open batch; returns true when it got a load slot (state Dispatched), false when it was queued.
    private bool CloseLocked(Batch batch)
    {
        if (_open == batch)
        {
            _open = null;
        }

        if (_running < _settings.MaxConcurrentBatches)
        {
            _running++;
            batch.State = BatchState.Dispatched;
            return true;
        }

        batch.State = BatchState.Queued;
        _queued.Enqueue(batch);
        return false;
    }

    // The batch holds a slot; returns whether to load it. A batch all of whose callers cancelled is skipped and
    // its slot passed on, so abandoned work never reaches the backend.
    private bool BeginLocked(Batch batch)
    {
        if (batch.Live > 0)
        {
            batch.State = BatchState.Running;

            // The load's token can only ever be cancelled when every caller could cancel; otherwise it stays None,
            // which saves the source.
            if (batch.CancelableCallers == batch.Callers)
            {
                batch.Cts = new CancellationTokenSource();
            }

            return true;
        }

        batch.State = BatchState.Completed;
        var next = ReleaseSlotLocked();
        if (next is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(next, preferLocal: false);
        }

        return false;
    }

    // Gives the slot of a finished batch to the oldest queued one (returned, to be started) or frees it.
    private Batch? ReleaseSlotLocked()
    {
        if (_queued.TryDequeue(out var next))
        {
            next.State = BatchState.Dispatched;
            return next;
        }

        _running--;
        return null;
    }

    private async Task RunAsync(Batch batch)
    {
        IReadOnlyDictionary<TKey, TValue>? results = null;
        Exception? failure = null;
        var activity = AspectsTelemetry.ActivitySource.HasListeners() ? StartActivity(batch) : null;
        var started = _timeProvider.GetTimestamp();
        try
        {
            results = await _load(batch.Keys, batch.Cts?.Token ?? CancellationToken.None).ConfigureAwait(false);
            if (results is null)
            {
                failure = new InvalidOperationException($"The batch load of {_name} returned null instead of a dictionary.");
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        Batch? next;
        lock (_gate)
        {
            batch.State = BatchState.Completed;
            next = ReleaseSlotLocked();
        }

        if (next is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(next, preferLocal: false);
        }

        // Ended before the callers resume, so their spans never end before the batch's.
        EndLoad(batch, started, failure, activity);

        Complete(batch, results, failure);
    }

    private Task<TValue> Reject(int queued, bool log)
    {
        BatchRejections.Add(1, _methodTag);
        if (log)
        {
            MicroBatcherLog.Overloaded(_logger, _name, queued);
        }

        return Task.FromException<TValue>(new MicroBatcherOverloadedException(
            $"{_name}: {queued} batches are already waiting for a load slot ({nameof(BatchingSettings)}.{nameof(BatchingSettings.MaxQueuedBatches)}); " +
            "the backend is slower than the callers, so this call is rejected instead of queued."));
    }
}

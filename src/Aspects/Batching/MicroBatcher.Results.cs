namespace Aspects.Batching;

// What each caller gets: its key's value from the load's result, default or KeyNotFoundException for a missing key,
// the load's failure, or its own cancellation (which cancels the load once no caller is left).
public sealed partial class MicroBatcher<TKey, TValue>
{
    private void Complete(Batch batch, IReadOnlyDictionary<TKey, TValue>? results, Exception? failure)
    {
        foreach (var (key, head) in batch.Waiters)
        {
            var found = false;
            TValue value = default!;
            Exception? error = failure;
            if (error is null)
            {
                // The result may use another comparer than ours, so each key is looked up in it, never enumerated.
                found = results!.TryGetValue(key, out value!);
                if (!found && batch.Settings.ThrowOnMissingKey)
                {
                    error = new KeyNotFoundException($"The batch load of {_name} returned no value for the key '{key}'.");
                }
            }

            for (var waiter = head; waiter is not null; waiter = waiter.Next)
            {
                if (error is not null)
                {
                    waiter.TrySetException(error);
                }
                else
                {
                    waiter.TrySetResult(found ? value : default!);
                }

                waiter.Registration.Unregister();
            }
        }
    }

    private void OnCanceled(Waiter waiter, CancellationToken token)
    {
        if (!waiter.TrySetCanceled(token))
        {
            return;
        }

        CancellationTokenSource? cancel = null;
        lock (_gate)
        {
            var batch = waiter.Batch!;
            batch.Live--;
            if (batch.Live == 0 && batch.State == BatchState.Running)
            {
                cancel = batch.Cts;
            }
        }

        if (cancel is not null)
        {
            try
            {
                // Not disposed after the load either: a source without a timer holds nothing to release, and
                // never disposing it makes this Cancel safe against a load that just finished.
                cancel.Cancel();
            }
            catch (AggregateException e)
            {
                // Callbacks the load registered must not throw into the cancelling caller's thread.
                MicroBatcherLog.CancelCallbackFailed(_logger, e, _name);
            }
        }
    }
}

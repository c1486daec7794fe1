namespace Aspects.Caching;

// Stampede protection: the attempt that misses for one key shares with every concurrent caller of that key.
public sealed partial class CacheRegion<TKey, TValue>
{
    /// <summary>One run of the body (through the L2) shared by every caller that missed the same key.</summary>
    private sealed class Flight(string? l2Key)
    {
        private readonly CancellationTokenSource _cancellation = new();

        // Callers still waiting; -1 once all of them cancelled (the body's token is then cancelled).
        private int _waiters = 1;
        private volatile bool _invalidated;

        public TaskCompletionSource<TValue> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? L2Key { get; } = l2Key;

        public CancellationToken Token => _cancellation.Token;

        public bool Invalidated => _invalidated;

        // The thread running the body of a synchronous run (0 for an asynchronous one), so that a recursive call
        // for the same key fails instead of waiting for itself.
        public int OwnerThreadId { get; set; }

        // Whether the body ran (an L2 miss or no L2), for the span's aspects.cache.tier.
        public bool RanBody { get; set; }

        // When the result stops being valid (Unix ms): the start of its computation plus the duration, or the expiry
        // of the L2 entry it came from. No L1 copy outlives it.
        public long ExpiresAt { get; set; }

        // The entry to write to the L2 once the callers have the result (an L2 miss whose eviction stamp is known).
        public L2Entry<TValue>? L2Write { get; set; }

        public void Invalidate() => _invalidated = true;

        public bool TryJoin()
        {
            var waiters = Volatile.Read(ref _waiters);
            while (waiters >= 0)
            {
                var seen = Interlocked.CompareExchange(ref _waiters, waiters + 1, waiters);
                if (seen == waiters)
                {
                    return true;
                }

                waiters = seen;
            }

            return false;
        }

        public Task<TValue> WaitAsync(CancellationToken cancellationToken)
        {
            var task = Completion.Task;

            // A caller that cannot cancel shares the attempt's own task: no allocation.
            return !cancellationToken.CanBeCanceled || task.IsCompleted ? task : WaitCancellableAsync(cancellationToken);
        }

        private async Task<TValue> WaitCancellableAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !Completion.Task.IsCompleted)
            {
                // Leave before the caller sees its cancellation, so "every caller has gone" is observable.
                Leave();
                throw;
            }
        }

        private void Leave()
        {
            if (Interlocked.Decrement(ref _waiters) == 0 && Interlocked.CompareExchange(ref _waiters, -1, 0) == 0)
            {
                _cancellation.Cancel();
            }
        }
    }
}

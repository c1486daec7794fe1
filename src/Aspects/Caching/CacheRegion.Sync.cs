using Aspects.Telemetry;

namespace Aspects.Caching;

// Synchronous methods: the in-process tier only, with the same stampede protection and invalidation as asynchronous ones.
// Their callers hold a thread while they wait, so nothing here waits on the network: a synchronous caller waits only
// for the one run of the body that computes its value (see docs/caching.md#synchronous-methods).
public sealed partial class CacheRegion<TKey, TValue>
{
    /// <summary>
    /// Returns the cached result for <paramref name="key"/>, or produces it on the calling thread: concurrent
    /// callers for one key wait for that one run of <paramref name="factory"/>. The result goes to L1 only, for
    /// the whole <see cref="Policies.CacheSettings.Duration"/>; an exception goes only to the callers waiting for that run.
    /// </summary>
    /// <typeparam name="TState">What <paramref name="factory"/> needs (the instance and the arguments), so it can be static.</typeparam>
    /// <param name="key">The key arguments.</param>
    /// <param name="state">Passed to <paramref name="factory"/>.</param>
    /// <param name="l2Key">
    /// Builds the key's string form (with <see cref="CacheKeyBuilder"/>); called only when an L2 or a backplane
    /// exists, so that backplane invalidations find the entry.
    /// </param>
    /// <param name="factory">Runs the method body.</param>
    /// <param name="cancellationToken">
    /// Ends this caller's wait, and is the body's token when this caller runs it. A caller whose wait ends
    /// because another caller's run was cancelled runs the body afresh.
    /// </param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">The body, run for <paramref name="key"/>, called this method for the same key again (it would wait for itself).</exception>
    /// <remarks>
    /// The distributed tier is never read or written here: a synchronous caller would block its thread on the
    /// network. Invalidation still evicts on every node through the backplane.
    /// </remarks>
    public TValue GetOrCreate<TState>(
        TKey key,
        TState state,
        Func<TKey, string> l2Key,
        Func<TState, TKey, CancellationToken, TValue> factory,
        CancellationToken cancellationToken)
    {
        if (TryGetLocal(key, out var cached))
        {
            return cached.Result;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (CacheTelemetry.Requests.Enabled)
        {
            CacheTelemetry.Requests.Add(1, _methodTag, CacheTelemetry.TierL1, CacheTelemetry.Miss);
        }

        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                if (TryWait(running, cancellationToken, out var value))
                {
                    return value;
                }

                continue;
            }

            var flight = NewFlight(key, l2Key);
            if (_flights.TryAdd(key, flight))
            {
                return TryFinishFromStored(flight, key, out var stored) ? stored.Result : Run(flight, key, state, factory, cancellationToken);
            }
        }
    }

    private TValue Run<TState>(Flight flight, TKey key, TState state, Func<TState, TKey, CancellationToken, TValue> factory, CancellationToken cancellationToken)
    {
        using var activity = AspectsTelemetry.ActivitySource.HasListeners() ? StartActivity() : null;
        flight.ExpiresAt = ValueExpiresAt();
        flight.OwnerThreadId = Environment.CurrentManagedThreadId;
        TValue value;
        try
        {
            NoteBodyRun(flight);
            value = factory(state, key, cancellationToken);
        }
        catch (Exception e)
        {
            Fail(flight, key, activity, e);
            throw;
        }

        activity?.SetTag(CacheTelemetry.TierL1.Key, CacheTelemetry.TierSource.Value);

        // Complete first, then publish to L1, then retire the run: a caller always finds one of them.
        flight.Completion.TrySetResult(value);
        Store(key, flight, localOnly: true);
        _flights.TryRemove(new KeyValuePair<TKey, Flight>(key, flight));
        return value;
    }

    // Blocks until the run completes. False when it was cancelled by its own caller's token (not this caller's):
    // then this caller starts or joins a fresh run.
    private static bool TryWait(Flight flight, CancellationToken cancellationToken, out TValue value)
    {
        if (flight.OwnerThreadId == Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException(
                "The body of a [Cached] method called the same method with the same key while computing it, which would wait for itself forever.");
        }

        var task = flight.Completion.Task;
        if (!task.IsCompleted)
        {
            try
            {
                task.Wait(cancellationToken);
            }
            catch (AggregateException)
            {
                // The run failed; its exception is rethrown unwrapped below.
            }
        }

        if (task.IsCanceled && !cancellationToken.IsCancellationRequested)
        {
            value = default!;
            return false;
        }

        value = task.GetAwaiter().GetResult();
        return true;
    }
}

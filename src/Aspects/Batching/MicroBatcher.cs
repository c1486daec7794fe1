using System.Diagnostics;
using System.Runtime.InteropServices;
using Aspects.Policies;
using Aspects.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aspects.Batching;

/// <summary>
/// Collects single-key calls into batches, loads each batch once and hands every caller its value: the
/// runtime of <c>[Batched]</c>. One instance serves one method (of one instance, for instance methods).
/// </summary>
/// <remarks>
/// <para>
/// A batch opens with its first call and is flushed when it holds <see cref="BatchingSettings.MaxBatchSize"/>
/// distinct keys or <see cref="BatchingSettings.MaxDelayMilliseconds"/> later on the given <see cref="TimeProvider"/>,
/// whichever comes first. Keys are compared with the given key comparer (<see cref="EqualityComparer{T}.Default"/>
/// when none is given); callers of the same key in one batch share one entry of the load's key list. Generated
/// wrappers pass an <see cref="ExactKeyComparer{TKey, TExact}"/> when the key type's own <c>Equals</c> merges keys the
/// load can tell apart, so each exact key is loaded once and on its own. Each caller's key is looked up in the load's result:
/// a missing key yields <see langword="default"/>, or <see cref="KeyNotFoundException"/> with
/// <see cref="BatchingSettings.ThrowOnMissingKey"/>; when the result's own comparer merges two keys the batcher
/// kept apart, both callers get that one entry (the load decided). A load that throws fails exactly the callers of its batch.
/// </para>
/// <para>
/// A caller's cancellation completes only that caller's task as cancelled. The load's token is cancelled
/// only when every caller of the batch has cancelled (never when one of them could not cancel), and a batch whose
/// callers all cancelled before it started is not loaded at all.
/// </para>
/// <para>
/// No thread waits: callers get a task, flushes run on timers or the thread pool. At most
/// <see cref="BatchingSettings.MaxConcurrentBatches"/> loads run at once, at most
/// <see cref="BatchingSettings.MaxQueuedBatches"/> flushed batches wait for a slot, and beyond that calls fail
/// fast with <see cref="MicroBatcherOverloadedException"/>, so memory stays bounded under overload.
/// </para>
/// </remarks>
/// <typeparam name="TKey">The key of one call.</typeparam>
/// <typeparam name="TValue">The value of one key.</typeparam>
public sealed partial class MicroBatcher<TKey, TValue>
    where TKey : notnull
{
    // This file collects calls into batches and flushes them. MicroBatcher.Loading.cs runs loads within their
    // slots and queue, MicroBatcher.Results.cs hands each caller its outcome, MicroBatcher.Telemetry.cs measures.

    // Static so that scheduling a flush allocates no delegate.
    private static readonly TimerCallback OnTimer = static state => ((Batch)state!).Owner.Flush((Batch)state);

    private static readonly Action<object?, CancellationToken> OnCallerCanceled =
        static (state, token) => ((Waiter)state!).Cancel(token);

    private readonly string _name;
    private readonly Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> _load;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IEqualityComparer<TKey>? _keyComparer;
    // Not readonly: a batcher following a definition takes its current settings when a batch opens (Follow).
    private BatchingSettings _settings;
    private BatchDefinition? _definition;
    private AspectRuntime? _runtime;

    // Guards _open, _running, _queued and every batch's State, Live and Cts. Held only for bookkeeping:
    // loads, timers, thread-pool hand-offs and task completions all happen outside it.
    private readonly Lock _gate = new();
    private readonly Queue<Batch> _queued = new();
    private Batch? _open;
    private int _running;
    private bool _overloadLogged;

    /// <summary>Creates a batcher that logs nowhere.</summary>
    /// <param name="name">The method's name (<c>Namespace.Type.Method</c>) for telemetry, logs and error messages.</param>
    /// <param name="load">Loads one batch: called once per batch with its distinct keys; may leave keys out of its result.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="timeProvider">The clock of <see cref="BatchingSettings.MaxDelayMilliseconds"/>.</param>
    public MicroBatcher(
        string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> load,
        BatchingSettings settings,
        TimeProvider timeProvider)
        : this(name, load, settings, timeProvider, NullLogger.Instance)
    {
    }

    /// <summary>Creates a batcher that logs failed batches and overload to <paramref name="logger"/>.</summary>
    /// <param name="name">The method's name (<c>Namespace.Type.Method</c>) for telemetry, logs and error messages.</param>
    /// <param name="load">Loads one batch: called once per batch with its distinct keys; may leave keys out of its result.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="timeProvider">The clock of <see cref="BatchingSettings.MaxDelayMilliseconds"/>.</param>
    /// <param name="logger">Where failures and overload are logged.</param>
    public MicroBatcher(
        string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> load,
        BatchingSettings settings,
        TimeProvider timeProvider,
        ILogger logger)
        : this(name, load, settings, timeProvider, logger, keyComparer: null)
    {
    }

    /// <summary>Creates a batcher that logs failed batches and overload to <paramref name="logger"/> and tells keys apart with <paramref name="keyComparer"/>.</summary>
    /// <param name="name">The method's name (<c>Namespace.Type.Method</c>) for telemetry, logs and error messages.</param>
    /// <param name="load">Loads one batch: called once per batch with its distinct keys; may leave keys out of its result.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="timeProvider">The clock of <see cref="BatchingSettings.MaxDelayMilliseconds"/>.</param>
    /// <param name="logger">Where failures and overload are logged.</param>
    /// <param name="keyComparer">
    /// Tells the keys of a batch apart; <see langword="null"/> (the default) for <see cref="EqualityComparer{T}.Default"/>.
    /// Two calls whose keys it finds equal share one key of the load and its value.
    /// </param>
    public MicroBatcher(
        string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> load,
        BatchingSettings settings,
        TimeProvider timeProvider,
        ILogger logger,
        IEqualityComparer<TKey>? keyComparer)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _name = name;
        _load = load;
        _timeProvider = timeProvider;
        _logger = logger;
        _keyComparer = keyComparer;
        _settings = settings;
        _methodTag = new KeyValuePair<string, object?>(TelemetryTags.Method, name);
        _spanName = SpanNamePrefix + name;
    }

    /// <summary>The method's name given at construction.</summary>
    public string Name => _name;

    /// <summary>
    /// Joins the open batch (opening one when there is none) and returns a task completed with
    /// <paramref name="key"/>'s value when that batch has been loaded.
    /// </summary>
    /// <param name="key">The key to load.</param>
    /// <param name="cancellationToken">
    /// Cancels this call only: its task completes as cancelled at once; the batch goes on for its other callers.
    /// </param>
    /// <returns>
    /// The key's value; <see langword="default"/> when the load's result lacks the key (unless
    /// <see cref="BatchingSettings.ThrowOnMissingKey"/>); faulted with the load's exception when the batch failed;
    /// faulted with <see cref="MicroBatcherOverloadedException"/> when too many batches are queued.
    /// </returns>
    public Task<TValue> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TValue>(cancellationToken);
        }

        var waiter = new Waiter();
        Batch? batch;
        Batch? opened = null;
        Batch? full = null;
        bool fullMayStart = false;
        int queued = 0;
        bool logOverload = false;
        lock (_gate)
        {
            batch = _open;
            if (batch is null)
            {
                if (_definition is not null)
                {
                    RefreshSettingsLocked();
                }

                queued = _queued.Count;
                if (queued < _settings.MaxQueuedBatches)
                {
                    batch = opened = _open = new Batch(this);
                    _overloadLogged = false;
                }
                else
                {
                    logOverload = !_overloadLogged;
                    _overloadLogged = true;
                }
            }

            if (batch is not null)
            {
                batch.Add(key, waiter, cancellationToken.CanBeCanceled);
                if (AspectsTelemetry.ActivitySource.HasListeners())
                {
                    batch.AddCaller(Activity.Current);
                }

                if (batch.Keys.Count >= batch.Settings.MaxBatchSize)
                {
                    full = batch;
                    fullMayStart = CloseLocked(batch);
                }
            }
        }

        if (batch is null)
        {
            return Reject(queued, logOverload);
        }

        if (full is not null)
        {
            // The caller that fills a batch does not run its load: the load's synchronous part would delay this
            // caller, and it might hold locks of its own. The thread pool starts it instead.
            full.Timer?.Dispose();
            if (fullMayStart)
            {
                ThreadPool.UnsafeQueueUserWorkItem(full, preferLocal: false);
            }
        }

        if (opened is not null && opened != full)
        {
            ScheduleFlush(opened);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(OnCallerCanceled, waiter);

            // The batch may have completed this waiter before the registration was visible to it; then nobody else
            // unregisters. The fence keeps the store above from moving after the read below.
            Interlocked.MemoryBarrier();
            if (waiter.Task.IsCompleted)
            {
                waiter.Registration.Unregister();
            }
        }

        return waiter.Task;
    }

    // Called once, right after construction, by AspectRuntime.CreateMicroBatcher for a [Batched] method.
    internal void Follow(BatchDefinition definition, AspectRuntime runtime)
    {
        _definition = definition;
        _runtime = runtime;
    }

    // Under _gate, when a batch opens: batches opened after a policy change use the new settings (without a
    // policy, or while it is unchanged, the definition returns the same instance).
    private void RefreshSettingsLocked() => _settings = _definition!.Resolve(_runtime!);

    private void ScheduleFlush(Batch batch)
    {
        if (batch.Settings.MaxDelay == TimeSpan.Zero)
        {
            // Next turn of the thread pool: calls made in the same burst (before this work item runs) join the batch.
            ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
            return;
        }

        // Created outside the gate: a time provider may hold its own lock while it runs callbacks that take the gate.
        var timer = _timeProvider.CreateTimer(OnTimer, batch, batch.Settings.MaxDelay, Timeout.InfiniteTimeSpan);
        bool stillOpen;
        lock (_gate)
        {
            stillOpen = batch.State == BatchState.Open;
            if (stillOpen)
            {
                batch.Timer = timer;
            }
        }

        if (!stillOpen)
        {
            timer.Dispose();
        }
    }

    // The delay elapsed (timer or zero-delay work item): close the batch and, when a slot is free, load it here.
    private void Flush(Batch batch)
    {
        bool start;
        lock (_gate)
        {
            if (batch.State != BatchState.Open)
            {
                return;
            }

            start = CloseLocked(batch) && BeginLocked(batch);
        }

        batch.Timer?.Dispose();
        if (start)
        {
            _ = RunAsync(batch);
        }
    }

    // A thread-pool work item of a batch: either its zero delay elapsed or it got a slot elsewhere and must start.
    private void Execute(Batch batch)
    {
        bool start;
        lock (_gate)
        {
            switch (batch.State)
            {
                case BatchState.Open:
                    start = CloseLocked(batch) && BeginLocked(batch);
                    break;
                case BatchState.Dispatched:
                    start = BeginLocked(batch);
                    break;
                default:
                    // A duplicate hand-off (the zero-delay item of a batch that filled up first): already handled.
                    return;
            }
        }

        if (start)
        {
            _ = RunAsync(batch);
        }
    }

    private enum BatchState
    {
        Open,
        Queued,
        Dispatched,
        Running,
        Completed,
    }

    private sealed class Batch(MicroBatcher<TKey, TValue> owner) : IThreadPoolWorkItem
    {
        public readonly MicroBatcher<TKey, TValue> Owner = owner;

        // Taken when the batch opens, so a policy reload never changes a batch already collecting keys.
        public readonly BatchingSettings Settings = owner._settings;

        // The distinct keys in arrival order (what the load gets) and, per key, the callers as a linked list.
        public readonly List<TKey> Keys = [];
        // Without a comparer the dictionary keeps the default one, and its fast path for value-type keys.
        public readonly Dictionary<TKey, Waiter> Waiters = new(owner._keyComparer);

        public BatchState State;
        public ITimer? Timer;

        // Only filled while the Aspects activity source has listeners: the spans of the callers.
        public ActivityContext Opener;
        public List<ActivityLink>? Links;
        public CancellationTokenSource? Cts;
        public int Callers;
        public int CancelableCallers;
        public int Live;

        public void Add(TKey key, Waiter waiter, bool cancelable)
        {
            ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(Waiters, key, out var exists);
            if (!exists)
            {
                Keys.Add(key);
            }

            waiter.Next = head;
            waiter.Batch = this;
            head = waiter;
            Callers++;
            Live++;
            if (cancelable)
            {
                CancelableCallers++;
            }
        }

        public void Execute() => Owner.Execute(this);

        public void AddCaller(Activity? caller)
        {
            if (caller is null)
            {
                return;
            }

            if (Opener == default)
            {
                Opener = caller.Context;
            }
            else
            {
                (Links ??= []).Add(new ActivityLink(caller.Context));
            }
        }
    }

    // One caller: its task, and what its cancellation needs to find its batch.
    private sealed class Waiter() : TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Waiter? Next;
        public Batch? Batch;
        public CancellationTokenRegistration Registration;

        public void Cancel(CancellationToken token)
        {
            Debug.Assert(Batch is not null, "A waiter registers for cancellation only after joining a batch.");
            Batch.Owner.OnCanceled(this, token);
        }
    }
}

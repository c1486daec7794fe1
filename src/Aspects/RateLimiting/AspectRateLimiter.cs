using System.Diagnostics;
using System.Threading.RateLimiting;
using Aspects.Telemetry;

namespace Aspects.RateLimiting;

/// <summary>
/// A named token bucket that <c>[RateLimited]</c> wrappers take permits from. It is also a
/// <see cref="RateLimiter"/>, so the same bucket can be handed to ASP.NET Core rate limiting or to a
/// Polly pipeline.
/// </summary>
/// <remarks>
/// <para>
/// Implementations override <see cref="TakePermitsAsync"/>; this class validates arguments, records the
/// <c>aspects.ratelimit.*</c> metrics and maps the <see cref="RateLimiter"/> API onto it.
/// </para>
/// <para>
/// Disposal follows the <see cref="RateLimiter"/> contract (System.Threading.RateLimiting): callers waiting at
/// that moment end at once (a failed lease through the <see cref="RateLimiter"/> API, an
/// <see cref="ObjectDisposedException"/> through <see cref="AcquireAsync(RateLimitMode, TimeSpan, CancellationToken)"/>),
/// nothing is admitted afterwards, and every later call throws <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public abstract class AspectRateLimiter : RateLimiter
{
    /// <summary>
    /// How long <see cref="RateLimiter.AcquireAsync(int, CancellationToken)"/> waits at most before it
    /// returns a failed lease (the <see cref="RateLimiter"/> API has no per-call maximum).
    /// </summary>
    public static readonly TimeSpan RateLimiterApiMaxWait = TimeSpan.FromSeconds(30);

    private const string Acquired = "acquired";
    private const string Waited = "waited";
    private const string Rejected = "rejected";

    private readonly CancellationTokenSource _disposal = new();
    private readonly CancellationToken _disposed;
    private long _successfulLeases;
    private long _failedLeases;

    /// <summary>Initializes the limiter.</summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="permitsPerSecond">The sustained rate: greater than 0, at most <see cref="RateLimiterRegistry.MaxPermitsPerSecond"/>.</param>
    /// <param name="burst">The bucket capacity: at least 1.</param>
    /// <param name="timeProvider">The clock waits are measured and done on.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names the setting.</exception>
    protected AspectRateLimiter(string name, double permitsPerSecond, int burst, TimeProvider timeProvider)
    {
        RateLimiterRegistry.Validate(name, permitsPerSecond, burst);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Name = name;
        PermitsPerSecond = permitsPerSecond;
        Burst = burst;
        TimeProvider = timeProvider;
        _disposed = _disposal.Token;
    }

    /// <summary>The bucket name (the <c>aspects.limiter</c> metric tag).</summary>
    public string Name { get; }

    /// <summary>The sustained rate in permits per second.</summary>
    public double PermitsPerSecond { get; private set; }

    /// <summary>The bucket capacity: the most permits available at once.</summary>
    public int Burst { get; private set; }

    /// <summary>
    /// Changes the rate and capacity at run time (a reloaded policy). Permits on hand are kept, capped at the
    /// new burst: the bucket is not refilled. Waiters already in line keep their turn.
    /// </summary>
    /// <param name="permitsPerSecond">The new rate: greater than 0, at most <see cref="RateLimiterRegistry.MaxPermitsPerSecond"/>.</param>
    /// <param name="burst">The new capacity: at least 1.</param>
    /// <returns><see langword="false"/> when this kind of limiter cannot change (it keeps its values).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names the setting.</exception>
    /// <exception cref="ObjectDisposedException">The limiter is disposed.</exception>
    public bool Reconfigure(double permitsPerSecond, int burst)
    {
        RateLimiterRegistry.Validate(Name, permitsPerSecond, burst);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!ReconfigureCore(permitsPerSecond, burst))
        {
            return false;
        }

        PermitsPerSecond = permitsPerSecond;
        Burst = burst;
        return true;
    }

    /// <summary>Applies a new rate and capacity; see <see cref="Reconfigure"/>. The default cannot and returns <see langword="false"/>.</summary>
    /// <param name="permitsPerSecond">The new rate, validated.</param>
    /// <param name="burst">The new capacity, validated.</param>
    /// <returns>Whether the values were applied.</returns>
    protected virtual bool ReconfigureCore(double permitsPerSecond, int burst) => false;

    /// <summary>The clock waits are measured and done on.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Whether <see cref="RateLimiter.Dispose()"/> has run.</summary>
    protected bool IsDisposed => _disposed.IsCancellationRequested;

    /// <summary>
    /// Takes one permit. Completes synchronously, without allocating, when a permit is available.
    /// </summary>
    /// <param name="mode">
    /// <see cref="RateLimitMode.Wait"/>: wait in line (first come, first served) up to <paramref name="maxWait"/>;
    /// <see cref="RateLimitMode.Reject"/>: fail at once when no permit is available.
    /// </param>
    /// <param name="maxWait">The longest wait in <see cref="RateLimitMode.Wait"/> mode; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels this caller's wait only; a cancelled wait gives its place back.</param>
    /// <returns>A task that completes when the permit is taken.</returns>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait (the task faults with it).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the task is cancelled).</exception>
    /// <exception cref="ObjectDisposedException">The limiter is (or, while the caller waited, was) disposed.</exception>
    public ValueTask AcquireAsync(RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (maxWait < TimeSpan.Zero && maxWait != Timeout.InfiniteTimeSpan)
        {
            return ValueTask.FromException(new ArgumentOutOfRangeException(
                nameof(maxWait), maxWait, $"The maximum wait of rate limiter '{Name}' must be zero or more (or infinite)."));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (IsDisposed)
        {
            return ValueTask.FromException(new ObjectDisposedException(GetType().FullName));
        }

        if (TryTakeAvailable(1))
        {
            RecordAcquired(false);
            return default;
        }

        var pending = TakePermitsAsync(1, mode, maxWait, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            // The hot path: no await, no allocation; Result also releases a pooled IValueTaskSource.
            var result = pending.Result;
            if (result.IsAcquired)
            {
                RecordAcquired(result.Waited);
                return default;
            }

            var rejection = Rejection(result);
            if (AspectsTelemetry.ActivitySource.HasListeners())
            {
                TraceRejection(rejection);
            }

            return ValueTask.FromException(rejection);
        }

        return AwaitAcquisitionAsync(pending, TimeProvider.GetTimestamp());
    }

    /// <summary>
    /// Takes one permit, blocking the calling thread while it waits; for synchronous <c>[RateLimited]</c>
    /// methods. Same rules as <see cref="AcquireAsync(RateLimitMode, TimeSpan, CancellationToken)"/>.
    /// </summary>
    /// <param name="mode">Wait or reject when no permit is available.</param>
    /// <param name="maxWait">The longest wait in <see cref="RateLimitMode.Wait"/> mode.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RateLimitRejectedException">No permit within the allowed wait.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The limiter is (or, while the caller waited, was) disposed.</exception>
    public void Acquire(RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var pending = AcquireAsync(mode, maxWait, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        // Waits complete on timer callbacks of the TimeProvider (thread pool), never on this thread,
        // so blocking here cannot deadlock.
        pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Takes <paramref name="permitCount"/> permits, waiting when <paramref name="mode"/> allows it. Complete
    /// synchronously when the answer is known at once (permits available, or rejected); return
    /// <see cref="PermitResult.Rejected"/> when they cannot be had within <paramref name="maxWait"/> (never throw
    /// for that). While waiting, use <see cref="DelayAsync"/> so that disposal ends the wait.
    /// </summary>
    /// <param name="permitCount">
    /// How many permits, 0 to <see cref="Burst"/>. 0 takes nothing: it succeeds once a permit is available to the
    /// next caller in line (at once, or after waiting for one in <see cref="RateLimitMode.Wait"/> mode).
    /// </param>
    /// <param name="mode">Wait or reject.</param>
    /// <param name="maxWait">The longest wait in <see cref="RateLimitMode.Wait"/> mode (zero or more, or infinite).</param>
    /// <param name="cancellationToken">Cancels this caller's wait (the task is cancelled; the reservation is given back).</param>
    /// <returns>The outcome; a wait ended by disposal faults with <see cref="ObjectDisposedException"/>.</returns>
    protected abstract ValueTask<PermitResult> TakePermitsAsync(int permitCount, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>
    /// The fast path of both APIs: takes <paramref name="permitCount"/> permits (1 to <see cref="Burst"/>) if they
    /// are available right now, without waiting, allocating or a round trip. <see langword="false"/> hands the
    /// request to <see cref="TakePermitsAsync"/>, which decides everything else; the default always does.
    /// </summary>
    /// <param name="permitCount">How many permits, validated.</param>
    /// <returns>Whether the permits were taken.</returns>
    protected virtual bool TryTakeAvailable(int permitCount) => false;

    /// <summary>
    /// Waits <paramref name="delay"/> on <see cref="TimeProvider"/>, never less: timers count whole milliseconds
    /// (a shorter wait would end at once, early, and a loop around it would spin), and a system timer may fire up to
    /// a millisecond before its time, so the wait goes on, again in whole milliseconds, until the provider's clock
    /// says the time has come. A waiter is never admitted before its slot, and a zero-permit request never
    /// succeeds before a permit is there.
    /// </summary>
    /// <param name="delay">How long; zero or more.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the time has come.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The limiter was disposed before the wait ended.</exception>
    protected async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var started = TimeProvider.GetTimestamp();
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed))
        {
            try
            {
                var remaining = delay;
                do
                {
                    var milliseconds = (remaining.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, milliseconds)), TimeProvider, wait.Token).ConfigureAwait(false);
                    remaining = delay - TimeProvider.GetElapsedTime(started);
                }
                while (remaining > TimeSpan.Zero);
            }
            catch (OperationCanceledException)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        // A wait that ends as the limiter is disposed admits nothing.
        ObjectDisposedException.ThrowIf(IsDisposed, this);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The limiter is disposed.</exception>
    public override RateLimiterStatistics? GetStatistics()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new()
        {
            TotalSuccessfulLeases = Interlocked.Read(ref _successfulLeases),
            TotalFailedLeases = Interlocked.Read(ref _failedLeases),
        };
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ValidatePermitCount(permitCount);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (permitCount > 0 && TryTakeAvailable(permitCount))
        {
            return Lease(PermitResult.Acquired);
        }

        var pending = TakePermitsAsync(permitCount, RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

        // Only distributed limiters may not complete at once (a network round trip); RateLimiter's API is synchronous.
        return Lease(pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult());
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ValidatePermitCount(permitCount);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        PermitResult result;
        try
        {
            result = await TakePermitsAsync(permitCount, RateLimitMode.Wait, RateLimiterApiMaxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (IsDisposed)
        {
            // The RateLimiter contract: a request queued when the limiter is disposed completes with a failed lease.
            result = PermitResult.Rejected(null);
        }

        return Lease(result);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            EndWaits();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override ValueTask DisposeAsyncCore()
    {
        // RateLimiter.DisposeAsync calls this, then Dispose(false).
        EndWaits();
        return base.DisposeAsyncCore();
    }

    // Ends every wait in progress (DelayAsync). The source is not disposed: waits may still link to its token.
    private void EndWaits() => _disposal.Cancel();

    private RateLimitLease Lease(PermitResult result)
    {
        if (result.IsAcquired)
        {
            Interlocked.Increment(ref _successfulLeases);
            return AspectRateLimitLease.Acquired;
        }

        Interlocked.Increment(ref _failedLeases);
        return new AspectRateLimitLease(false, result.RetryAfter);
    }

    private RateLimitRejectedException Rejection(PermitResult result)
    {
        RecordRejected();
        return result.Failure ?? new RateLimitRejectedException(Name, result.RetryAfter);
    }

    private void ValidatePermitCount(int permitCount)
    {
        if (permitCount < 0 || permitCount > Burst)
        {
            throw new ArgumentOutOfRangeException(
                nameof(permitCount), permitCount, $"Rate limiter '{Name}' hands out 0 to {Burst} (its burst) permits at a time.");
        }
    }

    private async ValueTask AwaitAcquisitionAsync(ValueTask<PermitResult> pending, long started)
    {
        // Only acquisitions that did not complete at once get here (a wait, or a distributed limiter's round trip).
        using var activity = AspectsTelemetry.ActivitySource.HasListeners() ? StartActivity() : null;
        PermitResult result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (activity is not null)
        {
            // Cancellation, disposal (or a limiter's own failure): the span says why it ended.
            TelemetryTags.SetError(activity, e);
            throw;
        }

        if (!result.IsAcquired)
        {
            var rejection = Rejection(result);
            if (activity is not null)
            {
                activity.SetTag(RateLimitMetrics.ResultTag, Rejected);
                TelemetryTags.SetError(activity, rejection);
            }

            throw rejection;
        }

        var waited = result.Waited;
        activity?.SetTag(RateLimitMetrics.ResultTag, waited ? Waited : Acquired);
        RecordAcquired(waited);
        if (waited)
        {
            RateLimitMetrics.WaitTime.Record(
                TimeProvider.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(RateLimitMetrics.LimiterTag, Name));
        }
    }

    private Activity? StartActivity()
    {
        var activity = AspectsTelemetry.ActivitySource.StartActivity(RateLimitMetrics.SpanNamePrefix + Name);
        activity?.SetTag(RateLimitMetrics.LimiterTag, Name);
        return activity;
    }

    // An immediate rejection did no work worth timing, but a trace should still show why the call failed.
    private void TraceRejection(RateLimitRejectedException rejection)
    {
        using var activity = StartActivity();
        if (activity is not null)
        {
            activity.SetTag(RateLimitMetrics.ResultTag, Rejected);
            TelemetryTags.SetError(activity, rejection);
        }
    }

    private void RecordAcquired(bool waited)
    {
        Interlocked.Increment(ref _successfulLeases);
        RateLimitMetrics.Record(Name, waited ? Waited : Acquired);
    }

    private void RecordRejected()
    {
        Interlocked.Increment(ref _failedLeases);
        RateLimitMetrics.Record(Name, Rejected);
    }
}

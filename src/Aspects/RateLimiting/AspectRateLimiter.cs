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
/// Implementations override <see cref="AcquireCoreAsync"/>; this class validates arguments, records the
/// <c>aspects.ratelimit.*</c> metrics and maps the <see cref="RateLimiter"/> API onto it.
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
    public bool Reconfigure(double permitsPerSecond, int burst)
    {
        RateLimiterRegistry.Validate(Name, permitsPerSecond, burst);
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

        ValueTask<bool> pending;
        try
        {
            pending = AcquireCoreAsync(1, mode, maxWait, cancellationToken);
        }
        catch (RateLimitRejectedException e)
        {
            RecordRejected();
            if (AspectsTelemetry.ActivitySource.HasListeners())
            {
                TraceRejection(e);
            }

            return ValueTask.FromException(e);
        }

        if (pending.IsCompletedSuccessfully)
        {
            // The hot path: no await, no allocation; GetResult() also releases a pooled IValueTaskSource.
            RecordAcquired(pending.Result);
            return default;
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
    /// Takes <paramref name="permitCount"/> permits, waiting when <paramref name="mode"/> allows it.
    /// Complete synchronously when the permits are available at once; throw (or fault with)
    /// <see cref="RateLimitRejectedException"/> when they cannot be had within <paramref name="maxWait"/>.
    /// </summary>
    /// <param name="permitCount">How many permits, 0 to <see cref="Burst"/>. 0 succeeds when nobody is waiting and a permit is available, and takes nothing.</param>
    /// <param name="mode">Wait or reject.</param>
    /// <param name="maxWait">The longest wait in <see cref="RateLimitMode.Wait"/> mode (zero or more, or infinite).</param>
    /// <param name="cancellationToken">Cancels this caller's wait.</param>
    /// <returns><see langword="true"/> when the caller had to wait, <see langword="false"/> when the permits were there at once.</returns>
    protected abstract ValueTask<bool> AcquireCoreAsync(int permitCount, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        TotalSuccessfulLeases = Interlocked.Read(ref _successfulLeases),
        TotalFailedLeases = Interlocked.Read(ref _failedLeases),
    };

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ValidatePermitCount(permitCount);
        try
        {
            var pending = AcquireCoreAsync(permitCount, RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
            if (!pending.IsCompletedSuccessfully)
            {
                // Only distributed limiters get here (a network round trip); RateLimiter's API is synchronous.
                pending.AsTask().GetAwaiter().GetResult();
            }

            Interlocked.Increment(ref _successfulLeases);
            return AspectRateLimitLease.Acquired;
        }
        catch (RateLimitRejectedException e)
        {
            Interlocked.Increment(ref _failedLeases);
            return new AspectRateLimitLease(false, e.RetryAfter);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ValidatePermitCount(permitCount);
        try
        {
            await AcquireCoreAsync(permitCount, RateLimitMode.Wait, RateLimiterApiMaxWait, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _successfulLeases);
            return AspectRateLimitLease.Acquired;
        }
        catch (RateLimitRejectedException e)
        {
            Interlocked.Increment(ref _failedLeases);
            return new AspectRateLimitLease(false, e.RetryAfter);
        }
    }

    private void ValidatePermitCount(int permitCount)
    {
        if (permitCount < 0 || permitCount > Burst)
        {
            throw new ArgumentOutOfRangeException(
                nameof(permitCount), permitCount, $"Rate limiter '{Name}' hands out 0 to {Burst} (its burst) permits at a time.");
        }
    }

    private async ValueTask AwaitAcquisitionAsync(ValueTask<bool> pending, long started)
    {
        // Only acquisitions that did not complete at once get here (a wait, or a distributed limiter's round trip).
        using var activity = AspectsTelemetry.ActivitySource.HasListeners() ? StartActivity() : null;
        bool waited;
        try
        {
            waited = await pending.ConfigureAwait(false);
        }
        catch (RateLimitRejectedException e)
        {
            RecordRejected();
            if (activity is not null)
            {
                activity.SetTag(RateLimitMetrics.ResultTag, Rejected);
                TelemetryTags.SetError(activity, e);
            }

            throw;
        }
        catch (Exception e) when (activity is not null)
        {
            // Cancellation (or a limiter's own failure): the span says why it ended.
            TelemetryTags.SetError(activity, e);
            throw;
        }

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

namespace Aspects.RateLimiting;

/// <summary>
/// An in-process token bucket: <see cref="AspectRateLimiter.Burst"/> permits at most, refilled at
/// <see cref="AspectRateLimiter.PermitsPerSecond"/>, computed lazily from the <see cref="TimeProvider"/>
/// (no refill timer).
/// </summary>
/// <remarks>
/// <para>
/// The whole state is one 64-bit number, so taking an available permit is a single compare-and-swap
/// (lock-free, allocation-free). It is the "generic cell rate algorithm" form of a token bucket, counted
/// in permit units instead of time: <c>produced(now)</c> is how many units the clock has produced since
/// the bucket was created, and <c>_issued</c> is how far permits have been handed out. The bucket holds
/// <c>min(Burst, produced − issued)</c> permits. Because <c>produced</c> is recomputed from the creation
/// time (never accumulated step by step) and rounded down, rounding never piles up: over any period the
/// bucket admits at most <c>Burst + rate × elapsed</c> permits.
/// </para>
/// <para>
/// A caller that may wait reserves its permits at once by moving <c>_issued</c> past <c>produced</c>,
/// then sleeps until the clock has produced them (timers count whole milliseconds, so a wait is rounded up to
/// the next one: never early, never a busy loop). Reservations are ordered by the compare-and-swap, so
/// waiters are served first come, first served. A cancelled waiter gives its reservation back: the last one in
/// line moves the tail back; one with others behind it leaves its slot to the next caller who would wait longer
/// (who thus overtakes the waiters behind that slot, even when its own turn at the tail would be past its maximum
/// wait), so a cancellation never lets the bucket admit more than its burst. The Redis bucket does the same.
/// </para>
/// <para>
/// <see cref="AspectRateLimiter.Reconfigure"/> (a reloaded policy) swaps in a new state with the new rate and
/// capacity, carrying over the permits on hand (capped at the new burst); waiters already in line finish on the
/// old schedule, and the new state admits nobody before the last of them is due (it starts empty then).
/// </para>
/// </remarks>
public sealed class TokenBucket : AspectRateLimiter
{
    // Permits are counted in units of 1/UnitsPerPermit so fractional refill is exact integer arithmetic.
    // The scale is a power of two (exact in floating point) chosen so the clock produces about 2^32 units
    // per second at most (a long lasts ~68 years) and Burst units stay far from overflow.
    private const int MaxRateExponent = 32;
    private const int MaxCapacityExponent = 60;

    private readonly Lock _reconfiguring = new();
    private State _state;

    /// <summary>Creates a full bucket.</summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="permitsPerSecond">The sustained rate: greater than 0 and at most <see cref="RateLimiterRegistry.MaxPermitsPerSecond"/>.</param>
    /// <param name="burst">The capacity: at least 1.</param>
    /// <param name="timeProvider">The clock the bucket refills from and waiters sleep on.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public TokenBucket(string name, double permitsPerSecond, int burst, TimeProvider timeProvider)
        : base(name, permitsPerSecond, burst, timeProvider)
    {
        _state = new State(permitsPerSecond, burst, timeProvider, timeProvider.GetTimestamp(), burst);
    }

    /// <summary>How many permits are available now (0 while callers wait for reserved ones).</summary>
    public int AvailablePermits => Volatile.Read(ref _state).AvailablePermits(TimeProvider.GetTimestamp());

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => Volatile.Read(ref _state).IdleDuration(TimeProvider.GetTimestamp());

    /// <inheritdoc />
    public override System.Threading.RateLimiting.RateLimiterStatistics? GetStatistics()
    {
        var statistics = base.GetStatistics()!;
        var state = Volatile.Read(ref _state);
        var now = TimeProvider.GetTimestamp();
        return new()
        {
            TotalSuccessfulLeases = statistics.TotalSuccessfulLeases,
            TotalFailedLeases = statistics.TotalFailedLeases,
            CurrentAvailablePermits = state.AvailablePermits(now),
            CurrentQueuedCount = state.Queued(now),
        };
    }

    /// <inheritdoc />
    /// <remarks>One clock read and one compare-and-swap.</remarks>
    protected override bool TryTakeAvailable(int permitCount) =>
        Volatile.Read(ref _state).TryTake(permitCount, TimeProvider.GetTimestamp());

    /// <inheritdoc />
    protected override ValueTask<PermitResult> TakePermitsAsync(int permitCount, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken) =>
        Volatile.Read(ref _state).Take(this, permitCount, mode, maxWait, cancellationToken);

    /// <inheritdoc />
    protected override bool ReconfigureCore(double permitsPerSecond, int burst)
    {
        lock (_reconfiguring)
        {
            var now = TimeProvider.GetTimestamp();
            var old = Volatile.Read(ref _state);

            // Take what the old state holds so a caller still using it cannot spend the same permits twice.
            // Permits on hand carry over (capped at the new burst). While waiters hold reservations, the new state
            // produces nothing until the last of them is due, and starts empty then: the two schedules never overlap.
            var (onHand, busySeconds) = old.Drain(now);
            var initial = busySeconds > 0 ? -busySeconds * permitsPerSecond : Math.Min(burst, onHand);
            Volatile.Write(ref _state, new State(permitsPerSecond, burst, TimeProvider, now, initial));
        }

        return true;
    }

    /// <summary>One rate and capacity, and how far permits have been handed out under them.</summary>
    private sealed class State
    {
        private readonly long _created;
        private readonly double _unitsPerSecond;
        private readonly double _timestampFrequency;
        private readonly long _unitsPerPermit;
        private readonly long _capacityUnits;
        private readonly Lock _freedLock = new();
        // Reservations given back by cancelled waiters that others had already queued behind, as (end, cost):
        // the next caller who would wait takes one whole instead of queueing at the tail. Guarded by _freedLock.
        private readonly List<(long End, long Cost)> _freed = [];
        private int _freedCount;
        private long _issued;

        // initialPermits: the permits on hand at creation, at most burst; negative: the units the clock must produce
        // before the bucket starts filling (the time earlier waiters still hold).
        public State(double permitsPerSecond, int burst, TimeProvider timeProvider, long now, double initialPermits)
        {
            int exponent = Math.Min(
                MaxRateExponent - (int)Math.Ceiling(Math.Log2(permitsPerSecond)),
                MaxCapacityExponent - (int)Math.Ceiling(Math.Log2(burst + 1.0)));
            exponent = Math.Max(exponent, 0);
            _unitsPerPermit = 1L << exponent;
            _unitsPerSecond = permitsPerSecond * _unitsPerPermit;
            _capacityUnits = burst * _unitsPerPermit;
            _timestampFrequency = timeProvider.TimestampFrequency;
            _created = now;
            _issued = -Math.Min(_capacityUnits, (long)Math.Floor(initialPermits * _unitsPerPermit));
        }

        public int AvailablePermits(long now)
        {
            var available = Math.Min(_capacityUnits, Produced(now) - Volatile.Read(ref _issued));
            return available <= 0 ? 0 : (int)(available / _unitsPerPermit);
        }

        public TimeSpan? IdleDuration(long now)
        {
            // Idle = full: the time since the bucket filled up.
            var surplus = Produced(now) - _capacityUnits - Volatile.Read(ref _issued);
            return surplus < 0 ? null : TimeSpan.FromSeconds(surplus / _unitsPerSecond);
        }

        public long Queued(long now)
        {
            var reserved = Volatile.Read(ref _issued) - Produced(now);
            return reserved <= 0 ? 0 : (long)Math.Ceiling((double)reserved / _unitsPerPermit);
        }

        public ValueTask<PermitResult> Take(
            TokenBucket owner, int permitCount, RateLimitMode mode, TimeSpan maxWait, CancellationToken cancellationToken)
        {
            var cost = permitCount * _unitsPerPermit;
            var time = owner.TimeProvider;
            while (true)
            {
                var now = time.GetTimestamp();
                var produced = Produced(now);
                var issued = Volatile.Read(ref _issued);
                // A full bucket does not keep collecting: anything older than the capacity is gone.
                var start = Math.Max(issued, produced - _capacityUnits);
                var end = start + cost;
                if (end <= produced && (permitCount > 0 || start + _unitsPerPermit <= produced))
                {
                    // Zero permits take nothing, once a permit is there for the next caller in line.
                    if (permitCount == 0 || TryTake(permitCount, now))
                    {
                        return new ValueTask<PermitResult>(PermitResult.Acquired);
                    }

                    continue;
                }

                var due = permitCount == 0 ? start + _unitsPerPermit : end;
                var wait = TimeUntil(due, now);
                if (mode == RateLimitMode.Reject)
                {
                    return new ValueTask<PermitResult>(PermitResult.Rejected(wait));
                }

                if (permitCount > 0 && Volatile.Read(ref _freedCount) > 0 && TryTakeFreed(cost, now, maxWait) is { } freedEnd)
                {
                    return new ValueTask<PermitResult>(WaitForAsync(owner, freedEnd, cost, cancellationToken));
                }

                if (maxWait != Timeout.InfiniteTimeSpan && wait > maxWait)
                {
                    return new ValueTask<PermitResult>(PermitResult.Rejected(wait));
                }

                if (permitCount == 0)
                {
                    // Reserves nothing: waits until the permit after those already promised exists.
                    return new ValueTask<PermitResult>(WaitForAsync(owner, due, 0, cancellationToken));
                }

                if (Interlocked.CompareExchange(ref _issued, end, issued) == issued)
                {
                    return new ValueTask<PermitResult>(WaitForAsync(owner, end, cost, cancellationToken));
                }
            }
        }

        /// <summary>Takes <paramref name="permitCount"/> permits if the clock has produced them by <paramref name="now"/>.</summary>
        public bool TryTake(long permitCount, long now)
        {
            var cost = permitCount * _unitsPerPermit;
            var produced = Produced(now);
            while (true)
            {
                var issued = Volatile.Read(ref _issued);
                // A full bucket does not keep collecting: anything older than the capacity is gone.
                var end = Math.Max(issued, produced - _capacityUnits) + cost;
                if (end > produced)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _issued, end, issued) == issued)
                {
                    return true;
                }
            }
        }

        /// <summary>
        /// Takes every permit on hand (none are left for late callers) and says how many that was; when waiters
        /// hold reservations beyond what the clock has produced, takes nothing and says how long until the last of
        /// them is due, in seconds.
        /// </summary>
        public (double OnHand, double BusySeconds) Drain(long now)
        {
            while (true)
            {
                var produced = Produced(now);
                var issued = Volatile.Read(ref _issued);
                var start = Math.Max(issued, produced - _capacityUnits);
                if (start >= produced)
                {
                    return (0, (start - produced) / _unitsPerSecond);
                }

                if (Interlocked.CompareExchange(ref _issued, produced, issued) == issued)
                {
                    return ((double)(produced - start) / _unitsPerPermit, 0);
                }
            }
        }

        // Waits until the clock has produced `end` units; `cost` units reserved up to `end` are given back when
        // the wait is cancelled or the bucket disposed (0 for a zero-permit wait, which reserved nothing).
        private async Task<PermitResult> WaitForAsync(TokenBucket owner, long end, long cost, CancellationToken cancellationToken)
        {
            var time = owner.TimeProvider;
            try
            {
                while (true)
                {
                    var now = time.GetTimestamp();
                    if (Produced(now) >= end)
                    {
                        ObjectDisposedException.ThrowIf(owner.IsDisposed, owner);
                        return PermitResult.AcquiredAfterWait;
                    }

                    // The wait is rounded up (to whole milliseconds, by DelayAsync), and the loop re-checks, so
                    // nobody starts before its units exist and nobody spins.
                    await owner.DelayAsync(TimeUntil(end, now), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (cost > 0 && e is OperationCanceledException or ObjectDisposedException)
            {
                GiveBack(end, cost, time.GetTimestamp());
                throw;
            }
        }

        /// <summary>
        /// Returns a cancelled waiter's reservation without ever admitting more than the bucket allows. The last
        /// reservation in line moves the tail back (with any given-back slots that thereby become last), as if it
        /// had never been made. One with others queued behind it cannot: their times are fixed, and moving the tail
        /// would hand a newcomer the same time as the last of them. Its slot is kept for the next caller who would
        /// otherwise wait, and lapses once its time has passed (an unused permit of the past, which a full bucket
        /// would not have kept either).
        /// </summary>
        private void GiveBack(long end, long cost, long now)
        {
            lock (_freedLock)
            {
                if (Interlocked.CompareExchange(ref _issued, end - cost, end) == end)
                {
                    var tail = end - cost;
                    for (var i = _freed.FindIndex(f => f.End == tail); i >= 0; i = _freed.FindIndex(f => f.End == tail))
                    {
                        var slot = _freed[i];
                        if (Interlocked.CompareExchange(ref _issued, tail - slot.Cost, tail) != tail)
                        {
                            break;
                        }

                        _freed.RemoveAt(i);
                        tail -= slot.Cost;
                    }
                }
                else if (end > Produced(now))
                {
                    _freed.Add((end, cost));
                }

                Volatile.Write(ref _freedCount, _freed.Count);
            }
        }

        /// <summary>
        /// Takes the earliest given-back slot of the same size that has not lapsed and comes within
        /// <paramref name="maxWait"/>; its end, or null. Every freed slot lies before the tail, so it is always
        /// sooner than queueing.
        /// </summary>
        private long? TryTakeFreed(long cost, long now, TimeSpan maxWait)
        {
            lock (_freedLock)
            {
                var produced = Produced(now);
                _freed.RemoveAll(f => f.End <= produced);
                var best = -1;
                for (var i = 0; i < _freed.Count; i++)
                {
                    if (_freed[i].Cost == cost && (best < 0 || _freed[i].End < _freed[best].End))
                    {
                        best = i;
                    }
                }

                long? end = null;
                if (best >= 0 && (maxWait == Timeout.InfiniteTimeSpan || TimeUntil(_freed[best].End, now) <= maxWait))
                {
                    end = _freed[best].End;
                    _freed.RemoveAt(best);
                }

                Volatile.Write(ref _freedCount, _freed.Count);
                return end;
            }
        }

        // Multiply first: for whole rates and ticks the product is exact, so boundaries land exactly.
        private long Produced(long now) => (long)Math.Floor((now - _created) * _unitsPerSecond / _timestampFrequency);

        // From now until the clock has produced `units`, rounded up to whole ticks (never early).
        private TimeSpan TimeUntil(long units, long now)
        {
            var due = _created + (long)Math.Ceiling(units * _timestampFrequency / _unitsPerSecond);
            var remaining = Math.Ceiling((due - now) * (double)TimeSpan.TicksPerSecond / _timestampFrequency);
            return TimeSpan.FromTicks(Math.Max(1, (long)remaining));
        }
    }
}

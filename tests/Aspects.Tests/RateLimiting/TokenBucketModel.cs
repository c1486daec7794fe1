namespace Aspects.Tests.RateLimiting;

/// <summary>
/// A small sequential reference model of the in-process token bucket (docs/rate-limiting.md), in plain
/// floating-point permits and seconds, no concurrency: a bucket of <c>Burst</c> permits refilled at <c>Rate</c>,
/// first come first served reservations, given-back slots, reconfiguration (nothing admitted at the new rate
/// before the last waiter of the old one is due), disposal. The model-based test runs it beside the real bucket step by step.
/// </summary>
internal sealed class TokenBucketModel(double rate, int burst)
{
    private Epoch _current = new(rate, burst, 0, -burst);

    public enum Kind
    {
        Now,
        Wait,
        Rejected,
    }

    public double Rate => _current.Rate;

    public int Burst => _current.Burst;

    public bool Disposed { get; private set; }

    /// <summary>
    /// What taking <paramref name="permits"/> at <paramref name="now"/> does. <c>Time</c> is the slot (absolute)
    /// for a wait, the retry-after (relative) for a rejection; <c>Margin</c> is how far (in seconds) the decision
    /// was from going the other way, so that a rounding difference of the real bucket can be told from a bug.
    /// </summary>
    public (Kind Kind, double Time, Reservation? Reservation, double Margin) Take(double now, int permits, bool wait, double maxWait)
    {
        var e = _current;
        var produced = e.Produced(now);
        var start = Math.Max(e.Issued, produced - e.Burst);
        var end = start + permits;
        var due = permits == 0 ? start + 1 : end;
        var margin = Math.Abs(due - produced) / e.Rate;
        if (due <= produced)
        {
            if (permits > 0)
            {
                e.Issued = end;
            }

            return (Kind.Now, now, null, margin);
        }

        var waitSeconds = (due - produced) / e.Rate;
        if (!wait)
        {
            return (Kind.Rejected, waitSeconds, null, margin);
        }

        if (permits > 0)
        {
            e.Freed.RemoveAll(f => f.End <= produced);
            var best = -1;
            for (var i = 0; i < e.Freed.Count; i++)
            {
                if (e.Freed[i].Cost == permits && (best < 0 || e.Freed[i].End < e.Freed[best].End))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                var freedWait = (e.Freed[best].End - produced) / e.Rate;
                margin = Math.Min(margin, Math.Abs(freedWait - maxWait));
                if (freedWait <= maxWait)
                {
                    var slot = e.Freed[best];
                    e.Freed.RemoveAt(best);
                    return (Kind.Wait, e.TimeOf(slot.End), new Reservation(e, slot.End, permits), margin);
                }
            }
        }

        margin = Math.Min(margin, Math.Abs(waitSeconds - maxWait));
        if (waitSeconds > maxWait)
        {
            return (Kind.Rejected, waitSeconds, null, margin);
        }

        if (permits == 0)
        {
            return (Kind.Wait, e.TimeOf(due), null, margin);
        }

        e.Issued = end;
        return (Kind.Wait, e.TimeOf(end), new Reservation(e, end, permits), margin);
    }

    /// <summary>A waiter gives its reservation back (cancelled, or the bucket disposed).</summary>
    public void GiveBack(Reservation reservation, double now)
    {
        var e = reservation.Epoch;
        if (e != _current)
        {
            return; // the new rate starts after the old schedule's last slot: the permits go to nobody
        }

        if (Same(e.Issued, reservation.End))
        {
            e.Issued = reservation.End - reservation.Cost;
            for (var i = e.Freed.FindIndex(f => Same(f.End, e.Issued)); i >= 0; i = e.Freed.FindIndex(f => Same(f.End, e.Issued)))
            {
                e.Issued -= e.Freed[i].Cost;
                e.Freed.RemoveAt(i);
            }
        }
        else if (reservation.End > e.Produced(now))
        {
            e.Freed.Add((reservation.End, reservation.Cost));
        }
    }

    public void Reconfigure(double now, double newRate, int newBurst)
    {
        var e = _current;
        var produced = e.Produced(now);
        var start = Math.Max(e.Issued, produced - e.Burst);
        double carried;
        if (start < produced)
        {
            carried = Math.Min(newBurst, produced - start);
            e.Issued = produced;
        }
        else
        {
            carried = -newRate * (start - produced) / e.Rate; // nothing until the last waiter of the old rate is due
        }

        _current = new Epoch(newRate, newBurst, now, -carried);
    }

    public void Dispose() => Disposed = true;

    private static bool Same(double a, double b) => Math.Abs(a - b) < 1e-6;

    internal sealed class Epoch(double rate, int burst, double created, double issued)
    {
        public double Rate { get; } = rate;

        public int Burst { get; } = burst;

        public double Issued { get; set; } = issued;

        public List<(double End, int Cost)> Freed { get; } = [];

        public double Produced(double now) => Rate * (now - created);

        public double TimeOf(double permits) => created + (permits / Rate);
    }

    internal sealed record Reservation(Epoch Epoch, double End, int Cost);
}

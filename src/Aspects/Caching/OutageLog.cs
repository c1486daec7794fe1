namespace Aspects.Caching;

/// <summary>
/// Decides which failures of one dependency (the L2, the backplane) are worth a log line: the first of an
/// outage, then at most one per <see cref="Interval"/> carrying how many were not logged in between, and one
/// line when an operation succeeds again. Every failure is still counted by the caller's metric.
/// </summary>
/// <remarks>
/// During an outage every cached call fails against the dependency; one warning per call would flood the
/// log exactly when it is needed. The success path costs one volatile read.
/// </remarks>
internal sealed class OutageLog(TimeProvider time)
{
    /// <summary>At most one warning per outage per this interval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private volatile bool _failing;
    private long _lastLoggedAt;
    private int _unreported;
    private int _failures;

    /// <summary>Records a failure; <see langword="true"/> when it should be logged, with the failures not logged since the previous line.</summary>
    public bool ShouldLog(out int unreported)
    {
        lock (_lock)
        {
            _failures++;
            var now = time.GetTimestamp();
            if (!_failing || time.GetElapsedTime(_lastLoggedAt, now) >= Interval)
            {
                _failing = true;
                _lastLoggedAt = now;
                unreported = _unreported;
                _unreported = 0;
                return true;
            }

            _unreported++;
            unreported = 0;
            return false;
        }
    }

    /// <summary>Records a success; <see langword="true"/> once per outage, when it ends, with the outage's failure count.</summary>
    public bool Recovered(out int failures)
    {
        failures = 0;
        if (!_failing)
        {
            return false;
        }

        lock (_lock)
        {
            if (!_failing)
            {
                return false;
            }

            _failing = false;
            failures = _failures;
            _failures = 0;
            _unreported = 0;
            return true;
        }
    }
}

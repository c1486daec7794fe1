using Microsoft.Extensions.Time.Testing;

namespace Aspects.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records every timer's due time, so tests can assert the exact
/// delays an aspect waited and wait (bounded) until a blocked thread has started waiting.
/// </summary>
public sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly SemaphoreSlim _timerCreated = new(0);
    private readonly List<TimeSpan> _dueTimes = [];

    public IReadOnlyList<TimeSpan> DueTimes
    {
        get
        {
            lock (_dueTimes)
            {
                return [.. _dueTimes];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_dueTimes)
        {
            _dueTimes.Add(dueTime);
        }

        _timerCreated.Release();
        return timer;
    }

    /// <summary>
    /// Waits until the next timer is started (each one is counted once), because waits resume on the
    /// thread pool: advancing the clock before the timer exists would skip it. Fails after 10 s naming
    /// <paramref name="what"/>.
    /// </summary>
    public async Task WaitForTimerAsync(string what)
    {
        if (!await _timerCreated.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"No timer was started within 10 s while waiting for {what}.");
        }
    }
}

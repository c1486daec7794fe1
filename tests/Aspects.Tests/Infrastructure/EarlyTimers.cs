namespace Aspects.Tests.Infrastructure;

/// <summary>
/// A clock whose timers fire a millisecond early every time (due times over 1 ms), as a system timer may: it
/// counts whole milliseconds. Time itself reads as <paramref name="inner"/> says.
/// </summary>
/// <param name="inner">The clock that keeps the time and runs the timers.</param>
public sealed class EarlyTimers(TimeProvider inner) : TimeProvider
{
    private static readonly TimeSpan Early = TimeSpan.FromMilliseconds(1);

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime > Early ? dueTime - Early : dueTime, period);
}

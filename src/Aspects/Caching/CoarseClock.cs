using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>
/// <see cref="Environment.TickCount64"/> as a field read, for the L1 expiry check on
/// <see cref="TimeProvider.System"/>: a background thread refreshes it every <see cref="ResolutionMilliseconds"/>.
/// </summary>
/// <remarks>
/// Reading the system clock costs more than the whole rest of a cache hit, and an expiry a few
/// milliseconds late is harmless where durations are whole seconds. The value never runs ahead of
/// <see cref="Environment.TickCount64"/>, so a hit is never refused early. The refresher is a dedicated
/// thread rather than a timer so that a starved thread pool cannot make the clock lag; it stops after a
/// second without readers (an idle process is not woken a hundred times a second) and the next read starts it again.
/// </remarks>
internal static class CoarseClock
{
    /// <summary>How often the value is refreshed; it lags the real clock by about this much at most.</summary>
    public const int ResolutionMilliseconds = 10;

    private const int IdleTicksBeforeStop = 100;

    private static long s_milliseconds = Environment.TickCount64;
    private static volatile bool s_running;
    private static volatile bool s_read;
    private static int s_starting;

    /// <summary>Milliseconds on the <see cref="Environment.TickCount64"/> scale, at most about <see cref="ResolutionMilliseconds"/> behind it.</summary>
    public static long Milliseconds
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (s_running)
            {
                // Written only when unset, so readers on many cores do not fight over the cache line.
                if (!s_read)
                {
                    s_read = true;
                }

                return Volatile.Read(ref s_milliseconds);
            }

            return StartAndRead();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long StartAndRead()
    {
        var now = Environment.TickCount64;
        if (Interlocked.CompareExchange(ref s_starting, 1, 0) == 0)
        {
            Volatile.Write(ref s_milliseconds, now);
            s_read = true;
            s_running = true;
            new Thread(Refresh) { IsBackground = true, Name = "Aspects cache clock" }.UnsafeStart();
        }

        return now;
    }

    private static void Refresh()
    {
        var idleTicks = 0;
        while (true)
        {
            Thread.Sleep(ResolutionMilliseconds);
            Volatile.Write(ref s_milliseconds, Environment.TickCount64);
            if (s_read)
            {
                s_read = false;
                idleTicks = 0;
            }
            else if (++idleTicks >= IdleTicksBeforeStop)
            {
                // Readers that saw s_running before this read a value refreshed one tick ago at most.
                s_running = false;
                Volatile.Write(ref s_starting, 0);
                return;
            }
        }
    }
}

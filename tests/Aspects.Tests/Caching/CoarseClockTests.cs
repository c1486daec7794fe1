using Aspects.Caching;

namespace Aspects.Tests.Caching;

public class CoarseClockTests
{
    [Fact]
    public async Task The_coarse_clock_never_runs_ahead_of_the_system_tick_count_and_keeps_moving()
    {
        var first = CoarseClock.Milliseconds;
        Assert.True(first <= Environment.TickCount64, "A hit is never refused before its entry expired.");

        var moved = Task.Run(() =>
        {
            var spin = new SpinWait();
            var giveUpAt = DateTime.UtcNow + CacheFixture.BoundedWait;
            while (CoarseClock.Milliseconds == first && DateTime.UtcNow < giveUpAt)
            {
                spin.SpinOnce();
            }
        });

        await CacheFixture.Within(moved.ContinueWith(_ => true, TaskScheduler.Default), "the coarse clock to advance past its first value");
        Assert.NotEqual(first, CoarseClock.Milliseconds);
        Assert.True(CoarseClock.Milliseconds <= Environment.TickCount64, "It still trails the system tick count.");
    }
}

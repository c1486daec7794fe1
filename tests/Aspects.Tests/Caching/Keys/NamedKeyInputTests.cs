using System.Globalization;
using Aspects.Tests.Infrastructure;

namespace Aspects.Tests.Caching.Keys;

/// <summary>The inputs issue 12 names, each with its right value, through generated wrappers.</summary>
public sealed partial class NamedKeyInputTests : GeneratedWrapperTests
{
    [Fact]
    public async Task A_UTC_and_a_local_time_with_the_same_ticks_get_their_own_days()
    {
        var calendar = new Calendar(Runtime);
        var utc = new DateTime(2024, 3, 31, 1, 30, 0, DateTimeKind.Utc);
        var local = new DateTime(2024, 3, 31, 1, 30, 0, DateTimeKind.Local);

        Assert.Equal(new DateOnly(2024, 3, 31), await calendar.DayOfAsync(utc).WaitAsync(Bound));
        var day = await calendar.DayOfAsync(local).WaitAsync(Bound);

        // Under TZ=Europe/Istanbul (UTC+3) this is 2024-03-30; in any zone it is what the body computes for it.
        Assert.Equal(DateOnly.FromDateTime(local.ToUniversalTime()), day);
        Assert.Equal(2, calendar.Calls);
        if (TimeZoneInfo.Local.BaseUtcOffset == TimeSpan.FromHours(3))
        {
            Assert.Equal(new DateOnly(2024, 3, 30), day);
        }
    }

    [Fact]
    public async Task The_same_instant_at_two_offsets_gets_its_own_clock_time()
    {
        var calendar = new Calendar(Runtime);

        Assert.Equal("12:00", await calendar.ClockAsync(new DateTimeOffset(2024, 3, 31, 12, 0, 0, TimeSpan.Zero)).WaitAsync(Bound));
        Assert.Equal("15:00", await calendar.ClockAsync(new DateTimeOffset(2024, 3, 31, 15, 0, 0, TimeSpan.FromHours(3))).WaitAsync(Bound));
        Assert.Equal("12:00", await calendar.ClockAsync(new DateTimeOffset(2024, 3, 31, 12, 0, 0, TimeSpan.Zero)).WaitAsync(Bound));
        Assert.Equal(2, calendar.Calls);
    }

    [Fact]
    public async Task Decimals_of_another_scale_and_zeros_of_another_sign_get_their_own_answers()
    {
        var calendar = new Calendar(Runtime);

        Assert.Equal("1.5", await calendar.PriceTextAsync(1.5m).WaitAsync(Bound));
        Assert.Equal("1.50", await calendar.PriceTextAsync(1.50m).WaitAsync(Bound));
        Assert.Equal("0", await calendar.SignAsync(0.0).WaitAsync(Bound));
        Assert.Equal("-0", await calendar.SignAsync(-0.0).WaitAsync(Bound));
        Assert.Equal(4, calendar.Calls);
    }

    internal sealed partial class Calendar(AspectRuntime aspects)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        [Cached(DurationSeconds = 60)]
        public partial Task<DateOnly> DayOfAsync(DateTime at);

        [Cached(DurationSeconds = 60)]
        public partial Task<string> ClockAsync(DateTimeOffset at);

        [Cached(DurationSeconds = 60)]
        public partial Task<string> PriceTextAsync(decimal price);

        [Cached(DurationSeconds = 60)]
        public partial Task<string> SignAsync(double value);

        private Task<DateOnly> DayOfCoreAsync(DateTime at) => Count(DateOnly.FromDateTime(at.ToUniversalTime()));

        private Task<string> ClockCoreAsync(DateTimeOffset at) => Count(at.ToString("HH:mm", CultureInfo.InvariantCulture));

        private Task<string> PriceTextCoreAsync(decimal price) => Count(price.ToString(CultureInfo.InvariantCulture));

        private Task<string> SignCoreAsync(double value) => Count(value.ToString(CultureInfo.InvariantCulture));

        private Task<T> Count<T>(T value)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(value);
        }
    }
}

using Aspects.Tests.Infrastructure;

namespace Aspects.Tests.Caching.Keys;

/// <summary>Records, record structs and value tuples as cache keys (issue 13 item 4), through generated wrappers.</summary>
public sealed partial class NamedCompositeKeyTests : GeneratedWrapperTests
{
    [Fact]
    public async Task Paris_and_Oslo_get_their_own_forecasts_by_record_and_by_tuple()
    {
        var weather = new Weather(Runtime);

        Assert.Equal("Paris for 3 days", await weather.GetForecastAsync(new ForecastRequest("Paris", 3)).WaitAsync(Bound));
        Assert.Equal("Oslo for 3 days", await weather.GetForecastAsync(new ForecastRequest("Oslo", 3)).WaitAsync(Bound));
        Assert.Equal("Paris for 3 days", await weather.GetForecastAsync(new ForecastRequest("Paris", 3)).WaitAsync(Bound));
        Assert.Equal(2, weather.Calls);

        Assert.Equal("Paris for 5 days", await weather.GetForecastByTupleAsync(("Paris", 5)).AsTask().WaitAsync(Bound));
        Assert.Equal("Oslo for 5 days", await weather.GetForecastByTupleAsync(("Oslo", 5)).AsTask().WaitAsync(Bound));
        Assert.Equal("Oslo for 5 days", await weather.GetForecastByTupleAsync(("Oslo", 5)).AsTask().WaitAsync(Bound));
        Assert.Equal(4, weather.Calls);
    }

    [Fact]
    public async Task A_null_record_and_a_record_of_nulls_get_their_own_entries()
    {
        var weather = new Weather(Runtime);

        Assert.Equal("nowhere", await weather.GetForecastOrNoneAsync(null).WaitAsync(Bound));
        Assert.Equal(" for 0 days", await weather.GetForecastOrNoneAsync(new ForecastRequest(null!, 0)).WaitAsync(Bound));
        Assert.Equal(2, weather.Calls);
    }

    [Fact]
    public async Task A_derived_record_with_more_members_is_never_served_another_ones_answer()
    {
        var weather = new Weather(Runtime);

        Assert.Equal("Paris for 3 days (metric)", await weather.GetForecastAsync(new UnitForecastRequest("Paris", 3, "metric")).WaitAsync(Bound));
        Assert.Equal("Paris for 3 days (imperial)", await weather.GetForecastAsync(new UnitForecastRequest("Paris", 3, "imperial")).WaitAsync(Bound));
        Assert.Equal("Paris for 3 days", await weather.GetForecastAsync(new ForecastRequest("Paris", 3)).WaitAsync(Bound));
        Assert.Equal(3, weather.Calls);
    }

    [Fact]
    public async Task Invalidating_by_record_evicts_the_entry_of_an_equal_record()
    {
        var weather = new Weather(Runtime);
        await weather.GetForecastAsync(new ForecastRequest("Paris", 3)).WaitAsync(Bound);

        await weather.InvalidateGetForecastAsync(new ForecastRequest("Paris", 3));
        await weather.GetForecastAsync(new ForecastRequest("Paris", 3)).WaitAsync(Bound);

        Assert.Equal(2, weather.Calls);
    }

    public record ForecastRequest(string City, int Days);

    public sealed record UnitForecastRequest(string City, int Days, string Units) : ForecastRequest(City, Days);

    internal sealed partial class Weather(AspectRuntime aspects)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        [Cached(DurationSeconds = 60)]
        public partial Task<string> GetForecastAsync(ForecastRequest request);

        [Cached(DurationSeconds = 60)]
        public partial Task<string> GetForecastOrNoneAsync(ForecastRequest? request);

        [Cached(DurationSeconds = 60)]
        public partial ValueTask<string> GetForecastByTupleAsync((string City, int Days) request, CancellationToken ct = default);

        private Task<string> GetForecastCoreAsync(ForecastRequest request) =>
            Count(request.City + " for " + request.Days + " days" + (request is UnitForecastRequest u ? " (" + u.Units + ")" : string.Empty));

        private Task<string> GetForecastOrNoneCoreAsync(ForecastRequest? request) =>
            request is null ? Count("nowhere") : GetForecastCoreAsync(request);

        private ValueTask<string> GetForecastByTupleCoreAsync((string City, int Days) request, CancellationToken ct) =>
            new(Count(request.City + " for " + request.Days + " days"));

        private Task<string> Count(string value)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(value);
        }
    }
}

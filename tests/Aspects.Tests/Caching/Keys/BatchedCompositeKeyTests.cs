using Aspects.Tests.Infrastructure;

namespace Aspects.Tests.Caching.Keys;

/// <summary>Records and tuples as [Batched] keys, alone and under [Cached]: Paris and Oslo get their own answers.</summary>
public sealed partial class BatchedCompositeKeyTests : GeneratedWrapperTests
{
    [Fact]
    public async Task A_batch_of_tuple_keys_answers_each_caller_with_its_own_city()
    {
        var weather = new BatchedWeather(Runtime);

        var paris = weather.GetByTupleAsync(("Paris", 3));
        var oslo = weather.GetByTupleAsync(("Oslo", 3));
        var parisAgain = weather.GetByTupleAsync(("Paris", 3));
        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));

        Assert.Equal("Paris for 3 days", await paris.WaitAsync(Bound));
        Assert.Equal("Oslo for 3 days", await oslo.WaitAsync(Bound));
        Assert.Equal("Paris for 3 days", await parisAgain.WaitAsync(Bound));
        Assert.Equal([2], weather.BatchSizes);
    }

    [Fact]
    public async Task Cached_over_batched_record_keys_cache_each_city_once()
    {
        var weather = new BatchedWeather(Runtime);

        var paris = weather.GetByRecordAsync(new NamedCompositeKeyTests.ForecastRequest("Paris", 3));
        var oslo = weather.GetByRecordAsync(new NamedCompositeKeyTests.ForecastRequest("Oslo", 3));
        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal("Paris for 3 days", await paris.WaitAsync(Bound));
        Assert.Equal("Oslo for 3 days", await oslo.WaitAsync(Bound));

        Assert.Equal("Oslo for 3 days", await weather.GetByRecordAsync(new NamedCompositeKeyTests.ForecastRequest("Oslo", 3)).WaitAsync(Bound));
        Assert.Equal([2], weather.BatchSizes);
    }

    internal sealed partial class BatchedWeather(AspectRuntime aspects)
    {
        private readonly List<int> _batchSizes = [];

        public IReadOnlyList<int> BatchSizes
        {
            get
            {
                lock (_batchSizes)
                {
                    return [.. _batchSizes];
                }
            }
        }

        [Batched(MaxBatchSize = 10, MaxDelayMilliseconds = 5)]
        public partial Task<string> GetByTupleAsync((string City, int Days) request, CancellationToken ct = default);

        [Cached(DurationSeconds = 60)]
        [Batched(MaxBatchSize = 10, MaxDelayMilliseconds = 5)]
        public partial Task<string> GetByRecordAsync(NamedCompositeKeyTests.ForecastRequest request, CancellationToken ct = default);

        private Task<IReadOnlyDictionary<(string City, int Days), string>> GetByTupleCoreAsync(IReadOnlyList<(string City, int Days)> requests, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<(string City, int Days), string>>(Answer(requests, r => r.City + " for " + r.Days + " days"));

        private Task<IReadOnlyDictionary<NamedCompositeKeyTests.ForecastRequest, string>> GetByRecordCoreAsync(
            IReadOnlyList<NamedCompositeKeyTests.ForecastRequest> requests, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<NamedCompositeKeyTests.ForecastRequest, string>>(Answer(requests, r => r.City + " for " + r.Days + " days"));

        private Dictionary<TKey, string> Answer<TKey>(IReadOnlyList<TKey> keys, Func<TKey, string> answer)
            where TKey : notnull
        {
            lock (_batchSizes)
            {
                _batchSizes.Add(keys.Count);
            }

            var answers = new Dictionary<TKey, string>();
            foreach (var key in keys)
            {
                answers[key] = answer(key);
            }

            return answers;
        }
    }
}

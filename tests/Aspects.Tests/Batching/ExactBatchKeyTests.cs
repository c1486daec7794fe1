using System.Globalization;
using Aspects.Tests.Caching.Keys;
using Aspects.Tests.Infrastructure;
using Xunit.Sdk;

namespace Aspects.Tests.Batching;

/// <summary>
/// [Batched] keys follow the identity rule of cache keys: two calls share a key of a batch only when the body cannot
/// tell their keys apart, whatever the key type's own Equals says (1.5m and 1.50m, 0.0 and -0.0, a UTC and a local
/// DateTime with the same ticks, and records or tuples holding them).
/// </summary>
public sealed partial class ExactBatchKeyTests : GeneratedWrapperTests
{
    private const int CallsPerBatch = 24;
    private const int BatchesPerType = 20;

    [Fact]
    public async Task Callers_with_keys_the_body_can_tell_apart_get_their_own_answers_for_every_inexact_key_type()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ASPECTS_KEY_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var random = new Random(seed);
        var service = new ExactKeyService(Runtime);
        try
        {
            await Check(service, random, "Decimal", KeyValues.Decimal, service.DecimalAsync, KeyedService.ObserveDecimal);
            await Check(service, random, "Double", KeyValues.Double, service.DoubleAsync, KeyedService.ObserveDouble);
            await Check(service, random, "Single", KeyValues.Single, service.SingleAsync, KeyedService.ObserveSingle);
            await Check(service, random, "Half", Half, service.HalfAsync, KeyedService.ObserveHalf);
            await Check(service, random, "DateTime", KeyValues.DateTime, service.DateTimeAsync, KeyedService.ObserveDateTime);
            await Check(service, random, "DateTimeOffset", KeyValues.DateTimeOffset, service.DateTimeOffsetAsync, KeyedService.ObserveDateTimeOffset);
            await Check(service, random, "Record", static r => new Price(KeyValues.Decimal(r), KeyValues.DateTime(r)), service.RecordAsync, ExactKeyService.Observe);
            await Check(service, random, "Tuple", static r => (KeyValues.Double(r), KeyValues.Decimal(r)), service.TupleAsync, ExactKeyService.Observe);
        }
        catch (Exception e)
        {
            throw new XunitException("Replay with ASPECTS_KEY_SEED=" + seed.ToString(CultureInfo.InvariantCulture) + ": " + e.Message, e);
        }
    }

    [Fact]
    public async Task Decimals_with_another_scale_are_two_keys_of_the_batch()
    {
        var service = new ExactKeyService(Runtime);

        var (answers, batch) = await BatchAsync(service, [1.5m, 1.50m, 1.5m], service.DecimalAsync);

        Assert.Equal([KeyedService.ObserveDecimal(1.5m), KeyedService.ObserveDecimal(1.50m), KeyedService.ObserveDecimal(1.5m)], answers);
        Assert.Equal(["1.5", "1.50"], batch.Select(k => ((decimal)k).ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Positive_and_negative_zero_are_two_keys_of_the_batch()
    {
        var service = new ExactKeyService(Runtime);

        var (answers, batch) = await BatchAsync(service, [0.0, -0.0], service.DoubleAsync);

        Assert.Equal([KeyedService.ObserveDouble(0.0), KeyedService.ObserveDouble(-0.0)], answers);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public async Task A_utc_and_a_local_time_with_the_same_ticks_are_two_keys_of_the_batch()
    {
        var service = new ExactKeyService(Runtime);
        var utc = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var local = DateTime.SpecifyKind(utc, DateTimeKind.Local);

        var (answers, batch) = await BatchAsync(service, [utc, local], service.DateTimeAsync);

        Assert.Equal([KeyedService.ObserveDateTime(utc), KeyedService.ObserveDateTime(local)], answers);
        Assert.Equal([DateTimeKind.Utc, DateTimeKind.Local], batch.Select(k => ((DateTime)k).Kind));
    }

    [Fact]
    public async Task Records_holding_values_the_body_can_tell_apart_are_two_keys_of_the_batch()
    {
        var service = new ExactKeyService(Runtime);
        var at = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        Price[] keys = [new(1.5m, at), new(1.50m, at), new(1.5m, DateTime.SpecifyKind(at, DateTimeKind.Local)), new(1.5m, at)];
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(keys[0], keys[2]);

        var (answers, batch) = await BatchAsync(service, keys, service.RecordAsync);

        Assert.Equal(keys.Select(ExactKeyService.Observe), answers);
        Assert.Equal(3, batch.Count);
    }

    [Fact]
    public async Task Tuples_holding_values_the_body_can_tell_apart_are_two_keys_of_the_batch()
    {
        var service = new ExactKeyService(Runtime);
        (double, decimal)[] keys = [(0.0, 1.5m), (-0.0, 1.5m), (0.0, 1.50m)];

        var (answers, batch) = await BatchAsync(service, keys, service.TupleAsync);

        Assert.Equal(keys.Select(k => ExactKeyService.Observe(k)), answers);
        Assert.Equal(3, batch.Count);
    }

    [Fact]
    public async Task Derived_records_are_keys_of_their_own_unless_they_are_the_same_instance()
    {
        var service = new ExactKeyService(Runtime);
        var first = new DatedQuote(2m, 1.5m);
        Quote[] keys = [first, new DatedQuote(2m, 1.50m), first, new Quote(2m)];

        var (answers, batch) = await BatchAsync(service, keys, service.QuoteAsync);

        Assert.Equal(["DatedQuote 1.5", "DatedQuote 1.50", "DatedQuote 1.5", "Quote 2"], answers);
        Assert.Equal(3, batch.Count);
    }

    [Fact]
    public async Task When_the_bodys_dictionary_merges_two_exact_keys_both_callers_get_its_entry()
    {
        var service = new ExactKeyService(Runtime);

        var (answers, batch) = await BatchAsync(service, [1.5m, 1.50m], service.DecimalByDictionaryAsync);

        // The batcher passed both keys; the body's Dictionary<decimal, string> kept one entry for both: the body decided.
        Assert.Equal(2, batch.Count);
        Assert.Equal(["1.50", "1.50"], answers);
    }

    private static Half Half(Random random) => KeyValues.Pick(
        random, [(Half)0, -(Half)0, System.Half.NaN, -System.Half.NaN, BitConverter.Int16BitsToHalf(0x7E01), (Half)1.5], KeyValues.Half);

    private async Task Check<T>(ExactKeyService service, Random random, string type, Func<Random, T> next, Func<T, Task<string>> call, Func<T, string> observe)
        where T : notnull
    {
        for (var round = 0; round < BatchesPerType; round++)
        {
            var keys = new T[CallsPerBatch];
            for (var i = 0; i < keys.Length; i++)
            {
                // Every third call repeats an earlier key, so batches hold true duplicates next to near twins.
                keys[i] = i > 0 && random.Next(3) == 0 ? keys[random.Next(i)] : next(random);
            }

            var (answers, batch) = await BatchAsync(service, keys, call);
            for (var i = 0; i < keys.Length; i++)
            {
                Assert.True(observe(keys[i]) == answers[i], $"{type}: the caller of {observe(keys[i])} got the answer for {answers[i]}.");
            }

            var expected = keys.Select(observe).Distinct().ToList();
            var loaded = batch.Select(k => observe((T)k)).ToList();
            Assert.True(
                expected.SequenceEqual(loaded),
                $"{type}: the batch held [{string.Join(", ", loaded)}] instead of each exact key once, in call order: [{string.Join(", ", expected)}].");
        }
    }

    // Calls the method once per key, flushes the batch on the fake clock and returns the answers and the body's keys.
    private async Task<(string[] Answers, IReadOnlyList<object> Batch)> BatchAsync<T>(ExactKeyService service, T[] keys, Func<T, Task<string>> call)
    {
        var before = service.BatchCount;
        var calls = keys.Select(call).ToArray();
        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        var answers = await Task.WhenAll(calls).WaitAsync(Bound);
        Assert.Equal(before + 1, service.BatchCount);
        return (answers, service.LastBatch);
    }

    public sealed record Price(decimal Amount, DateTime At);

    public record Quote(decimal Amount);

    public sealed record DatedQuote(decimal Amount, decimal Extra) : Quote(Amount);

    internal sealed partial class ExactKeyService(AspectRuntime aspects)
    {
        private readonly List<object[]> _batches = [];

        public int BatchCount
        {
            get
            {
                lock (_batches)
                {
                    return _batches.Count;
                }
            }
        }

        public IReadOnlyList<object> LastBatch
        {
            get
            {
                lock (_batches)
                {
                    return _batches[^1];
                }
            }
        }

        public static string Observe(Price x) => KeyedService.ObserveDecimal(x.Amount) + "@" + KeyedService.ObserveDateTime(x.At);

        public static string Observe((double, decimal) x) => KeyedService.ObserveDouble(x.Item1) + "+" + KeyedService.ObserveDecimal(x.Item2);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> DecimalAsync(decimal key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> DecimalByDictionaryAsync(decimal key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> DoubleAsync(double key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> SingleAsync(float key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> HalfAsync(Half key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> DateTimeAsync(DateTime key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> DateTimeOffsetAsync(DateTimeOffset key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> RecordAsync(Price key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> TupleAsync((double, decimal) key);

        [Batched(MaxBatchSize = 1000, MaxDelayMilliseconds = 5)]
        public partial Task<string> QuoteAsync(Quote key);

        private Task<IReadOnlyList<string>> DecimalCoreAsync(IReadOnlyList<decimal> keys) => Answer(keys, KeyedService.ObserveDecimal);

        private Task<IReadOnlyList<string>> DoubleCoreAsync(IReadOnlyList<double> keys) => Answer(keys, KeyedService.ObserveDouble);

        private Task<IReadOnlyList<string>> SingleCoreAsync(IReadOnlyList<float> keys) => Answer(keys, KeyedService.ObserveSingle);

        private Task<IReadOnlyList<string>> HalfCoreAsync(IReadOnlyList<Half> keys) => Answer(keys, KeyedService.ObserveHalf);

        private Task<IReadOnlyList<string>> DateTimeCoreAsync(IReadOnlyList<DateTime> keys) => Answer(keys, KeyedService.ObserveDateTime);

        private Task<IReadOnlyList<string>> DateTimeOffsetCoreAsync(IReadOnlyList<DateTimeOffset> keys) => Answer(keys, KeyedService.ObserveDateTimeOffset);

        private Task<IReadOnlyList<string>> RecordCoreAsync(IReadOnlyList<Price> keys) => Answer(keys, Observe);

        private Task<IReadOnlyList<string>> TupleCoreAsync(IReadOnlyList<(double, decimal)> keys) => Answer(keys, Observe);

        private Task<IReadOnlyList<string>> QuoteCoreAsync(IReadOnlyList<Quote> keys) =>
            Answer(keys, static q => q is DatedQuote dated
                ? "DatedQuote " + dated.Extra.ToString(CultureInfo.InvariantCulture)
                : "Quote " + q.Amount.ToString(CultureInfo.InvariantCulture));

        private Task<IReadOnlyDictionary<decimal, string>> DecimalByDictionaryCoreAsync(IReadOnlyList<decimal> keys)
        {
            Record(keys);
            var answers = new Dictionary<decimal, string>();
            foreach (var key in keys)
            {
                answers[key] = key.ToString(CultureInfo.InvariantCulture);
            }

            return Task.FromResult<IReadOnlyDictionary<decimal, string>>(answers);
        }

        private Task<IReadOnlyList<string>> Answer<T>(IReadOnlyList<T> keys, Func<T, string> observe)
        {
            Record(keys);
            return Task.FromResult<IReadOnlyList<string>>([.. keys.Select(observe)]);
        }

        private void Record<T>(IReadOnlyList<T> keys)
        {
            lock (_batches)
            {
                _batches.Add([.. keys.Select(k => (object)k!)]);
            }
        }
    }
}

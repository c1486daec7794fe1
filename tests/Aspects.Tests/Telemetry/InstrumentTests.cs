using Aspects.Caching;
using Aspects.Telemetry;
using Aspects.Tests.Caching;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Aspects.Tests.Telemetry;

/// <summary>
/// One test per instrument of the <c>Aspects</c> meter, driven through generated wrappers where one exists: each
/// proves the instrument reports, with which tags. The meter is global and tests run in parallel, so every test
/// reads only the measurements of a method (or limiter) name of its own.
/// </summary>
public partial class InstrumentTests : GeneratedWrapperTests
{
    private const string Prefix = "Aspects.Tests.Telemetry.InstrumentTests.";

    [Fact]
    public async Task Cache_requests_count_each_tier_and_result_by_method()
    {
        using var requests = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.requests");
        var service = new Service(Runtime);
        const string method = Prefix + "Service.GetPriceAsync";

        await service.GetPriceAsync(1).WaitAsync(Bound);
        await service.GetPriceAsync(1).WaitAsync(Bound);
        await service.GetPriceAsync(1).WaitAsync(Bound);

        var mine = Of(requests, method);
        Assert.Equal(2, Sum(mine, ("aspects.cache.tier", "l1"), ("aspects.cache.result", "hit")));
        Assert.Equal(1, Sum(mine, ("aspects.cache.tier", "l1"), ("aspects.cache.result", "miss")));
        Assert.Equal(1, Sum(mine, ("aspects.cache.tier", "source"), ("aspects.cache.result", "miss")));
        Assert.Equal(4, mine.Sum(m => m.Value));
        Assert.All(mine, m => Assert.Equal(["aspects.cache.result", "aspects.cache.tier", "aspects.method"], m.Tags.Keys.Order(StringComparer.Ordinal)));
        Assert.Equal("{request}", requests.Instrument!.Unit);
    }

    [Fact]
    public async Task Cache_l2_errors_count_failed_operations_with_method_operation_and_error_type()
    {
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = new FakeHybridCache(o.TimeProvider) { Failing = true });
        var definition = CacheFixture.Definition();
        using var errors = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.l2_errors");

        await fixture.Runtime.Cache.Region<int, string?>(definition)
            .GetOrCreateAsync(1, 0, CacheFixture.KeyOf(definition), (_, _, _) => Task.FromResult<string?>("body"), CancellationToken.None)
            .WaitAsync(Bound);

        var error = Assert.Single(Of(errors, definition.MethodName));
        Assert.Equal(1, error.Value);
        Assert.Equal("get", error.Tags["aspects.cache.operation"]);
        Assert.Equal(typeof(InvalidOperationException).FullName, error.Tags["error.type"]);
    }

    [Fact]
    public async Task Cache_backplane_errors_count_failed_publishes_with_error_type()
    {
        var fixture = new CacheFixture(o => o.Cache.Backplane = new FailingBackplane());
        var definition = CacheFixture.Definition();
        using var errors = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.backplane_errors");

        await fixture.Runtime.Cache.Region<int, string?>(definition).InvalidateAsync(1, CacheFixture.KeyOf(definition)).AsTask().WaitAsync(Bound);

        // No method tag on this instrument: the exception type is unique to this test.
        var error = Assert.Single(errors.GetMeasurementSnapshot(), m => Equals(m.Tags["error.type"], typeof(BackplaneDownException).FullName));
        Assert.Equal("publish", error.Tags["aspects.cache.operation"]);
    }

    [Fact]
    public async Task Cache_invalidations_count_evictions_by_kind_and_origin()
    {
        using var invalidations = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.cache.invalidations");
        var service = new Service(Runtime);

        await service.GetPriceAsync(2).WaitAsync(Bound);
        await service.InvalidateGetPriceAsync(2).AsTask().WaitAsync(Bound);

        var eviction = Assert.Single(Of(invalidations, Prefix + "Service.GetPriceAsync"));
        Assert.Equal("key", eviction.Tags["aspects.cache.invalidation.kind"]);
        Assert.Equal("local", eviction.Tags["aspects.cache.invalidation.origin"]);
    }

    [Fact]
    public async Task Rate_limit_acquisitions_count_acquired_waited_and_rejected_by_limiter()
    {
        using var acquisitions = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.ratelimit.acquisitions");
        var service = new Service(Runtime);

        await service.QuoteAsync().WaitAsync(Bound);
        var waiting = service.QuoteAsync();
        await Clock.WaitForTimerAsync("the permit wait");
        Clock.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(Bound);
        await service.TryQuoteAsync().WaitAsync(Bound);
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => service.TryQuoteAsync().WaitAsync(Bound));

        var waitLimiter = acquisitions.GetMeasurementSnapshot().Where(m => Equals(m.Tags["aspects.limiter"], "telemetry.instruments.wait")).ToList();
        var rejectLimiter = acquisitions.GetMeasurementSnapshot().Where(m => Equals(m.Tags["aspects.limiter"], "telemetry.instruments.reject")).ToList();
        Assert.Equal(["acquired", "waited"], waitLimiter.Select(m => (string)m.Tags["aspects.ratelimit.result"]!).Order());
        Assert.Equal(["acquired", "rejected"], rejectLimiter.Select(m => (string)m.Tags["aspects.ratelimit.result"]!).Order());
    }

    [Fact]
    public async Task Rate_limit_wait_time_records_how_long_a_waiting_call_waited_in_seconds()
    {
        using var waits = new MetricCollector<double>(AspectsTelemetry.Meter, "aspects.ratelimit.wait_time");
        var service = new Service(Runtime);

        await service.QuoteAsync().WaitAsync(Bound);
        var waiting = service.QuoteAsync();
        await Clock.WaitForTimerAsync("the permit wait");
        Clock.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(Bound);

        var wait = Assert.Single(waits.GetMeasurementSnapshot(), m => Equals(m.Tags["aspects.limiter"], "telemetry.instruments.wait"));
        Assert.Equal(1.0, wait.Value);
        Assert.Equal("s", waits.Instrument!.Unit);
    }

    [Fact]
    public async Task Batch_size_calls_and_duration_describe_each_batch_load()
    {
        using var sizes = new MetricCollector<int>(AspectsTelemetry.Meter, "aspects.batch.size");
        using var calls = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.batch.calls");
        using var durations = new MetricCollector<double>(AspectsTelemetry.Meter, "aspects.batch.duration");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new Service(Runtime) { LoadGate = gate };
        const string method = Prefix + "Service.GetStockAsync";

        var stock = new[] { 1, 2, 2, 3 }.Select(id => service.GetStockAsync(id)).ToArray();
        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));

        // The flush timer has started the load, which now takes 250 ms on the fake clock.
        Clock.Advance(TimeSpan.FromMilliseconds(250));
        gate.SetResult();
        await Task.WhenAll(stock).WaitAsync(Bound);

        Assert.Equal(3, Assert.Single(Of(sizes, method)).Value);
        Assert.Equal(4, Assert.Single(Of(calls, method)).Value);
        var duration = Assert.Single(Of(durations, method));
        Assert.Equal(0.25, duration.Value);
        Assert.False(duration.Tags.ContainsKey("error.type"));
    }

    [Fact]
    public async Task Batch_failures_and_duration_carry_the_error_type()
    {
        using var failures = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.batch.failures");
        using var durations = new MetricCollector<double>(AspectsTelemetry.Meter, "aspects.batch.duration");
        var service = new Service(Runtime) { FailLoads = true };
        const string method = Prefix + "Service.GetStockAsync";

        var call = service.GetStockAsync(4);
        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Bound));

        Assert.Equal("System.TimeoutException", Assert.Single(Of(failures, method)).Tags["error.type"]);
        Assert.Equal("System.TimeoutException", Assert.Single(Of(durations, method)).Tags["error.type"]);
    }

    [Fact]
    public async Task Batch_rejections_count_calls_turned_away_by_the_queue_bound()
    {
        using var rejections = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.batch.rejections");
        const string method = Prefix + "Batch_rejections";
        var load = new TaskCompletionSource<IReadOnlyDictionary<int, int>>();
        var batcher = new Aspects.Batching.MicroBatcher<int, int>(
            method, (_, _) => load.Task,
            new Aspects.Policies.BatchingSettings(maxBatchSize: 1, maxConcurrentBatches: 1, maxQueuedBatches: 1), Clock);

        var running = batcher.GetAsync(1, CancellationToken.None);
        var queued = batcher.GetAsync(2, CancellationToken.None);
        var rejected = batcher.GetAsync(3, CancellationToken.None);

        await Assert.ThrowsAsync<Aspects.Batching.MicroBatcherOverloadedException>(() => rejected.WaitAsync(Bound));
        Assert.Equal(1, Assert.Single(Of(rejections, method)).Value);
        load.SetResult(new Dictionary<int, int>());
        await Task.WhenAll(running, queued).WaitAsync(Bound);
    }

    [Fact]
    public async Task Retry_attempts_count_each_retried_attempt_by_method_and_error_type()
    {
        using var retries = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.retry.retries");
        var service = new Service(Runtime) { Failures = 1 };

        var call = service.FetchAsync();
        await Clock.WaitForTimerAsync("the retry delay");
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(2, await call.WaitAsync(Bound));

        var retry = Assert.Single(Of(retries, Prefix + "Service.FetchAsync"));
        Assert.Equal(1, retry.Value);
        Assert.Equal("System.TimeoutException", retry.Tags["error.type"]);
    }

    [Fact]
    public async Task Every_instrument_and_tag_is_named_in_the_aspects_namespace_or_by_an_OpenTelemetry_convention()
    {
        // OpenTelemetry's naming rule: a library's names live under its own namespace; only attributes the
        // semantic conventions define (error.type) are shared. Tests run in parallel, so this also sees theirs.
        var names = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AspectsTelemetry.Name)
            {
                names.TryAdd(instrument.Name, "instrument");
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Collect(i, tags));
        listener.SetMeasurementEventCallback<int>((i, _, tags, _) => Collect(i, tags));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Collect(i, tags));
        listener.Start();
        var service = new Service(Runtime) { Failures = 1 };

        await service.GetPriceAsync(7).WaitAsync(Bound);
        await service.GetPriceAsync(7).WaitAsync(Bound);
        await service.QuoteAsync().WaitAsync(Bound);
        var fetch = service.FetchAsync();
        await Clock.WaitForTimerAsync("the retry delay");
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        await fetch.WaitAsync(Bound);
        listener.RecordObservableInstruments();

        Assert.Contains("aspects.method", names.Keys);
        Assert.Contains("aspects.cache.tier", names.Keys);
        Assert.Contains("aspects.retry.retries", names.Keys);
        var foreign = names.Where(n => !n.Key.StartsWith("aspects.", StringComparison.Ordinal) && n.Key != "error.type")
            .Select(n => n.Value + " " + n.Key).ToList();
        Assert.True(foreign.Count == 0, "Names outside the aspects namespace: " + string.Join(", ", foreign));

        void Collect(System.Diagnostics.Metrics.Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                names.TryAdd(tag.Key, "tag of " + instrument.Name);
            }
        }
    }

    private static List<CollectedMeasurement<T>> Of<T>(MetricCollector<T> collector, string method)
        where T : struct =>
        collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue("aspects.method", out var v) && Equals(v, method)).ToList();

    private static long Sum(IEnumerable<CollectedMeasurement<long>> measurements, params (string Key, string Value)[] tags) =>
        measurements.Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Sum(m => m.Value);

    internal sealed partial class Service(AspectRuntime aspects)
    {
        private int _attempts;

        public int Failures { get; init; }

        public bool FailLoads { get; init; }

        public TaskCompletionSource? LoadGate { get; init; }

        [Cached(DurationSeconds = 60)]
        public partial Task<int> GetPriceAsync(int productId, CancellationToken cancellationToken = default);

        [RateLimited(Name = "telemetry.instruments.wait", PermitsPerSecond = 1, Burst = 1)]
        public partial Task<int> QuoteAsync(CancellationToken cancellationToken = default);

        [RateLimited(Name = "telemetry.instruments.reject", PermitsPerSecond = 1, Burst = 1, Mode = RateLimitMode.Reject)]
        public partial Task<int> TryQuoteAsync(CancellationToken cancellationToken = default);

        [Batched(MaxBatchSize = 10, MaxDelayMilliseconds = 5)]
        public partial Task<int> GetStockAsync(int productId, CancellationToken cancellationToken = default);

        [Retry(MaxAttempts = 2, DelayMilliseconds = 10, Jitter = false)]
        public partial Task<int> FetchAsync(CancellationToken cancellationToken = default);

        private Task<int> GetPriceCoreAsync(int productId, CancellationToken cancellationToken) => Task.FromResult(productId * 10);

        private Task<int> QuoteCoreAsync(CancellationToken cancellationToken) => Task.FromResult(1);

        private Task<int> TryQuoteCoreAsync(CancellationToken cancellationToken) => Task.FromResult(1);

        private async Task<IReadOnlyList<int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken cancellationToken)
        {
            if (FailLoads)
            {
                throw new TimeoutException("stock service timed out");
            }

            if (LoadGate is { } gate)
            {
                await gate.Task;
            }

            return productIds.Select(id => id * 7).ToList();
        }

        private Task<int> FetchCoreAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _attempts) <= Failures
                ? Task.FromException<int>(new TimeoutException("fetch timed out"))
                : Task.FromResult(_attempts);
    }

    private sealed class BackplaneDownException(string message) : Exception(message);

    private sealed class FailingBackplane : ICacheBackplane
    {
        public ValueTask PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new BackplaneDownException("backplane down"));

        public IDisposable Subscribe(Action<CacheInvalidation> handler) => new Subscription();

        private sealed class Subscription : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}

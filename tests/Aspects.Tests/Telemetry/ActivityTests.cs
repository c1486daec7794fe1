using System.Collections.Concurrent;
using System.Diagnostics;
using Aspects.Retrying;
using Aspects.Telemetry;
using Aspects.Tests.Infrastructure;

namespace Aspects.Tests.Telemetry;

/// <summary>
/// Activity listeners are process-wide, so the tests that add one (and the one proving nothing happens without
/// one) run alone, never next to other tests.
/// </summary>
[CollectionDefinition(nameof(ActivityTests), DisableParallelization = true)]
public sealed class ActivityTestsCollection;

/// <summary>The spans of the <c>Aspects</c> activity source, through generated wrappers.</summary>
[Collection(nameof(ActivityTests))]
public sealed partial class ActivityTests : GeneratedWrapperTests, IDisposable
{
    private const string Prefix = "Aspects.Tests.Telemetry.ActivityTests.Service.";

    // The caller's own spans come from a source of the test's own, so they are not mistaken for Aspects spans.
    private static readonly ActivitySource Caller = new("Aspects.Tests.Caller");

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private ActivityListener? _listener;

    public void Dispose() => _listener?.Dispose();

    [Fact]
    public async Task A_cache_miss_is_a_child_span_of_the_caller_and_the_body_runs_inside_it()
    {
        Listen();
        var service = new Service(Runtime);

        using (var parent = Caller.StartActivity("request"))
        {
            Assert.Equal(10, await service.GetPriceAsync(1).WaitAsync(Bound));
            var span = Assert.Single(Spans("aspects.cache " + Prefix + "GetPriceAsync"));
            Assert.Equal(parent!.SpanId, span.ParentSpanId);
            Assert.Equal(parent.TraceId, span.TraceId);
            Assert.Same(span, service.BodyActivity);
            Assert.Equal(Prefix + "GetPriceAsync", span.GetTagItem("aspects.method"));
            Assert.Equal("source", span.GetTagItem("aspects.cache.tier"));
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
            Assert.Equal(ActivityKind.Internal, span.Kind);
        }
    }

    [Fact]
    public async Task An_L1_hit_creates_no_span_and_allocates_nothing_even_while_listened_to()
    {
        Listen();
        var service = new Service(Runtime);
        await service.GetPriceAsync(2).WaitAsync(Bound);
        for (var i = 0; i < 100; i++)
        {
            _ = service.GetPriceAsync(2);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _ = service.GetPriceAsync(2);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Single(Spans("aspects.cache " + Prefix + "GetPriceAsync"));
    }

    [Fact]
    public async Task A_failing_body_marks_the_cache_span_as_an_error_with_its_type()
    {
        Listen();
        var service = new Service(Runtime);

        await Assert.ThrowsAsync<TimeoutException>(() => service.GetPriceAsync(-1).WaitAsync(Bound));

        var span = Assert.Single(Spans("aspects.cache " + Prefix + "GetPriceAsync"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("System.TimeoutException", span.GetTagItem("error.type"));
        Assert.Null(span.StatusDescription);
    }

    [Fact]
    public async Task A_batch_load_is_one_span_under_the_first_caller_linked_to_the_other_callers()
    {
        Listen();
        var service = new Service(Runtime);
        Activity first, second;
        Task<int> a, b;
        using (first = Caller.StartActivity("first request")!)
        {
            a = service.GetStockAsync(1);
        }

        using (second = Caller.StartActivity("second request")!)
        {
            b = service.GetStockAsync(2);
        }

        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(new[] { 7, 14 }, await Task.WhenAll(a, b).WaitAsync(Bound));

        var span = Assert.Single(Spans("aspects.batch " + Prefix + "GetStockAsync"));
        Assert.Equal(first.SpanId, span.ParentSpanId);
        Assert.Equal(second.Context, Assert.Single(span.Links).Context);
        Assert.Equal(2, span.GetTagItem("aspects.batch.size"));
        Assert.Equal(2, span.GetTagItem("aspects.batch.callers"));
        Assert.Equal(Prefix + "GetStockAsync", span.GetTagItem("aspects.method"));
        Assert.Same(span, service.LoadActivity);
    }

    [Fact]
    public async Task A_failed_batch_load_is_an_error_span()
    {
        Listen();
        var service = new Service(Runtime) { FailLoads = true };

        var call = service.GetStockAsync(3);
        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Bound));

        var span = Assert.Single(Spans("aspects.batch " + Prefix + "GetStockAsync"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("System.TimeoutException", span.GetTagItem("error.type"));
        Assert.Equal(ActivityIdFormat.W3C, span.IdFormat);
        Assert.Equal(default, span.ParentSpanId);
    }

    [Fact]
    public async Task Only_a_rate_limited_call_that_waits_gets_a_span_which_lasts_the_wait()
    {
        Listen();
        var service = new Service(Runtime);

        using var parent = Caller.StartActivity("request");
        await service.QuoteAsync().WaitAsync(Bound);
        Assert.Empty(Spans("aspects.ratelimit telemetry.activities.wait"));

        var waiting = service.QuoteAsync();
        await Clock.WaitForTimerAsync("the permit wait");
        Clock.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(Bound);

        var span = Assert.Single(Spans("aspects.ratelimit telemetry.activities.wait"));
        Assert.Equal(parent!.SpanId, span.ParentSpanId);
        Assert.Equal("telemetry.activities.wait", span.GetTagItem("aspects.limiter"));
        Assert.Equal("waited", span.GetTagItem("aspects.ratelimit.result"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task A_rejected_rate_limited_call_gets_an_error_span()
    {
        Listen();
        var service = new Service(Runtime);

        await service.TryQuoteAsync().WaitAsync(Bound);
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => service.TryQuoteAsync().WaitAsync(Bound));

        var span = Assert.Single(Spans("aspects.ratelimit telemetry.activities.reject"));
        Assert.Equal("rejected", span.GetTagItem("aspects.ratelimit.result"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(RateLimitRejectedException).FullName, span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Each_retried_attempt_adds_an_event_to_the_current_span()
    {
        Listen();
        var service = new Service(Runtime) { Failures = 2 };

        using var parent = Caller.StartActivity("request");
        var call = service.FetchAsync();
        await Clock.WaitForTimerAsync("the first retry delay");
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        await Clock.WaitForTimerAsync("the second retry delay");
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(3, await call.WaitAsync(Bound));

        var events = parent!.Events.Where(e => e.Name == RetryTelemetry.EventName).ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e =>
        {
            var tags = e.Tags.ToDictionary(t => t.Key, t => t.Value);
            Assert.Equal("System.TimeoutException", tags["exception.type"]);
            Assert.Equal(Prefix + "FetchAsync", tags["aspects.method"]);
        });
        Assert.Equal([1, 2], events.Select(e => e.Tags.Single(t => t.Key == "aspects.retry.attempt").Value));
    }

    [Fact]
    public async Task Without_listeners_no_span_is_started_around_bodies_loads_or_waits()
    {
        Assert.False(AspectsTelemetry.ActivitySource.HasListeners(), "No test of this collection leaves a listener behind.");
        var service = new Service(Runtime);

        // An activity started by hand needs no listener: it shows which span is current inside the bodies.
        using var parent = new Activity("request").Start();
        await service.GetPriceAsync(3).WaitAsync(Bound);
        Assert.Same(parent, service.BodyActivity);

        var stock = service.GetStockAsync(4);
        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        await stock.WaitAsync(Bound);
        Assert.NotEqual(AspectsTelemetry.Name, service.LoadActivity?.Source.Name);

        await service.QuoteAsync().WaitAsync(Bound);
        var waiting = service.QuoteAsync();
        await Clock.WaitForTimerAsync("the permit wait");
        Clock.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(Bound);
        Assert.Same(parent, service.QuoteActivity);
    }

    private void Listen()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AspectsTelemetry.Name or "Aspects.Tests.Caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private List<Activity> Spans(string name) =>
        _stopped.Where(a => a.Source.Name == AspectsTelemetry.Name && a.DisplayName == name).ToList();

    internal sealed partial class Service(AspectRuntime aspects)
    {
        private int _attempts;

        public int Failures { get; init; }

        public bool FailLoads { get; init; }

        public Activity? BodyActivity { get; private set; }

        public Activity? LoadActivity { get; private set; }

        public Activity? QuoteActivity { get; private set; }

        [Cached(DurationSeconds = 60)]
        public partial Task<int> GetPriceAsync(int productId, CancellationToken cancellationToken = default);

        [RateLimited(Name = "telemetry.activities.wait", PermitsPerSecond = 1, Burst = 1)]
        public partial Task<int> QuoteAsync(CancellationToken cancellationToken = default);

        [RateLimited(Name = "telemetry.activities.reject", PermitsPerSecond = 1, Burst = 1, Mode = RateLimitMode.Reject)]
        public partial Task<int> TryQuoteAsync(CancellationToken cancellationToken = default);

        [Batched(MaxBatchSize = 10, MaxDelayMilliseconds = 5)]
        public partial Task<int> GetStockAsync(int productId, CancellationToken cancellationToken = default);

        [Retry(MaxAttempts = 3, DelayMilliseconds = 10, Backoff = RetryBackoff.Constant, Jitter = false)]
        public partial Task<int> FetchAsync(CancellationToken cancellationToken = default);

        private Task<int> GetPriceCoreAsync(int productId, CancellationToken cancellationToken)
        {
            BodyActivity = Activity.Current;
            return productId < 0 ? Task.FromException<int>(new TimeoutException("price service timed out")) : Task.FromResult(productId * 10);
        }

        private Task<int> QuoteCoreAsync(CancellationToken cancellationToken)
        {
            QuoteActivity = Activity.Current;
            return Task.FromResult(1);
        }

        private Task<int> TryQuoteCoreAsync(CancellationToken cancellationToken) => Task.FromResult(1);

        private Task<IReadOnlyList<int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken cancellationToken)
        {
            LoadActivity = Activity.Current;
            return FailLoads
                ? Task.FromException<IReadOnlyList<int>>(new TimeoutException("stock service timed out"))
                : Task.FromResult<IReadOnlyList<int>>(productIds.Select(id => id * 7).ToList());
        }

        private Task<int> FetchCoreAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _attempts) <= Failures
                ? Task.FromException<int>(new TimeoutException("fetch timed out"))
                : Task.FromResult(_attempts);
    }
}

using Aspects.Tests.Infrastructure;

namespace Aspects.Tests.Caching;

/// <summary>Compile-and-run: [Cached] on synchronous methods (in process only, one run of the body per key).</summary>
[Collection(AllocationSensitive.Name)]
public sealed partial class GeneratedSyncCacheTests : GeneratedWrapperTests
{
    private const int Callers = 8;

    [Fact]
    public void Repeated_calls_run_the_body_once_per_key()
    {
        var pages = new Pages(Runtime);

        Assert.Equal("page 1 v0", pages.Render(1));
        Assert.Equal("page 1 v0", pages.Render(1));
        Assert.Equal("page 2 v0", pages.Render(2));
        Assert.Equal("page 1 v0", pages.Render(1));

        Assert.Equal(2, pages.Calls);
    }

    [Fact]
    public void Concurrent_callers_of_one_key_share_one_run_of_the_body()
    {
        var pages = new Pages(Runtime) { Gate = new ManualResetEventSlim() };
        var results = new string?[Callers];
        using var ready = new CountdownEvent(Callers);
        var threads = Start(Callers, i =>
        {
            ready.Signal();
            results[i] = pages.Render(10);
        });

        Assert.True(ready.Wait(Bound), "the callers did not start");
        Assert.True(pages.Entered.Wait(Bound), "no caller ran the body");
        pages.Gate.Set();
        Join(threads);

        Assert.Equal(1, pages.Calls);
        Assert.All(results, r => Assert.Equal("page 10 v0", r));
    }

    [Fact]
    public void A_running_body_does_not_block_callers_of_other_keys()
    {
        var pages = new Pages(Runtime) { Gate = new ManualResetEventSlim(), GatedId = 20 };
        var blocked = Start(1, _ => pages.Render(20));
        Assert.True(pages.Entered.Wait(Bound), "the body of key 20 did not start");

        // Key 20's body is still waiting for the gate.
        Assert.Equal("page 21 v0", pages.Render(21));

        pages.Gate.Set();
        Join(blocked);
        Assert.Equal(2, pages.Calls);
    }

    [Fact]
    public void An_exception_reaches_every_waiting_caller_and_is_not_cached()
    {
        var pages = new Pages(Runtime) { Gate = new ManualResetEventSlim(), Failures = Callers };
        var errors = new Exception?[Callers];
        using var ready = new CountdownEvent(Callers);
        var threads = Start(Callers, i =>
        {
            ready.Signal();
            errors[i] = Record.Exception(() => pages.Render(30));
        });

        Assert.True(ready.Wait(Bound), "the callers did not start");
        Assert.True(pages.Entered.Wait(Bound), "no caller ran the body");
        pages.Gate.Set();
        Join(threads);

        // Each caller got a failure: the one it waited for, or its own run's when it came after (failures are never shared later).
        Assert.All(errors, e => Assert.Equal("renderer failed", Assert.IsType<InvalidOperationException>(e).Message));
        Assert.InRange(pages.Calls, 1, Callers);

        pages.Failures = 0;
        var before = pages.Calls;
        Assert.Equal("page 30 v0", pages.Render(30));
        Assert.Equal(before + 1, pages.Calls);
    }

    [Fact]
    public void An_invalidating_partner_and_the_generated_invalidate_method_evict()
    {
        var pages = new Pages(Runtime);
        Assert.Equal("page 40 v0", pages.Render(40));
        Assert.Equal("page 41 v0", pages.Render(41));

        pages.Publish(40);
        Assert.Equal("page 40 v1", pages.Render(40));
        Assert.Equal("page 41 v0", pages.Render(41));
        Assert.Equal(3, pages.Calls);

        pages.Version = 7;
        Assert.True(pages.InvalidateRender(41).IsCompletedSuccessfully);
        Assert.Equal("page 41 v7", pages.Render(41));
        Assert.Equal(4, pages.Calls);
    }

    [Fact]
    public void An_entry_lives_for_its_whole_duration_on_the_runtime_clock()
    {
        var pages = new Pages(Runtime);
        pages.Render(50);

        Clock.Advance(TimeSpan.FromSeconds(59));
        pages.Render(50);
        Assert.Equal(1, pages.Calls);

        Clock.Advance(TimeSpan.FromSeconds(2));
        pages.Render(50);
        Assert.Equal(2, pages.Calls);
    }

    [Fact]
    public void A_caller_waiting_for_a_run_its_runner_cancelled_runs_the_body_itself()
    {
        var pages = new Pages(Runtime) { Gate = new ManualResetEventSlim() };
        using var cancel = new CancellationTokenSource();
        Exception? runnerError = null;
        var runner = Start(1, _ => runnerError = Record.Exception(() => pages.Slow(90, cancel.Token)));
        Assert.True(pages.Entered.Wait(Bound), "the runner did not start the body");
        string? waiterResult = null;
        var waiter = Start(1, _ => waiterResult = pages.Slow(90, CancellationToken.None));

        cancel.Cancel();
        Join(runner);
        Join(waiter);

        Assert.IsAssignableFrom<OperationCanceledException>(runnerError);
        Assert.Equal("slow 90", waiterResult);
        Assert.Equal("slow 90", pages.Slow(90, CancellationToken.None));
        Assert.Equal(2, pages.Calls);
    }

    [Fact]
    public void Random_calls_evictions_and_clock_moves_always_match_a_reference_model()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var pages = new Pages(Runtime);
        var model = new Dictionary<int, (string Value, DateTimeOffset ExpiresAt)>();
        var expectedCalls = 0;
        for (var step = 0; step < 2000; step++)
        {
            var id = random.Next(5);
            switch (random.Next(10))
            {
                case < 6:
                    var now = Clock.GetUtcNow();
                    if (!model.TryGetValue(id, out var entry) || entry.ExpiresAt <= now)
                    {
                        expectedCalls++;
                        entry = ($"page {id} v{pages.Version}", now.AddSeconds(60));
                        model[id] = entry;
                    }

                    Assert.True(entry.Value == pages.Render(id), $"seed {seed}, step {step}: Render({id}) is not {entry.Value}");
                    Assert.True(expectedCalls == pages.Calls, $"seed {seed}, step {step}: {pages.Calls} body runs, expected {expectedCalls}");
                    break;
                case < 8:
                    pages.Publish(id);
                    model.Remove(id);
                    break;
                default:
                    Clock.Advance(TimeSpan.FromSeconds(random.Next(1, 40)));
                    break;
            }
        }
    }

    [Fact]
    public void With_a_distributed_tier_entries_stay_in_process_for_the_whole_duration_and_evictions_reach_every_node()
    {
        var l2 = new FakeHybridCache(Clock);
        var backplane = new InMemoryBackplane();
        var first = new Pages(Node());
        var second = new Pages(Node());

        // Forecast lives 300 s; a local copy of an L2 entry would be trusted only 60 s, but a synchronous entry is the only copy.
        first.Forecast(("Oslo", 3));
        Clock.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal("Oslo 3", first.Forecast(("Oslo", 3)));
        Assert.Equal(1, first.Calls);
        Clock.Advance(TimeSpan.FromSeconds(2));
        first.Forecast(("Oslo", 3));
        Assert.Equal(2, first.Calls);

        Assert.Equal("page 1 v0", first.Render(1));
        Assert.Equal("page 1 v0", second.Render(1));
        Assert.Equal(0, l2.Count);

        first.Publish(1);
        second.Version = 1;
        Assert.Equal("page 1 v1", first.Render(1));
        Assert.Equal("page 1 v1", second.Render(1));
        Assert.Equal(4, first.Calls);
        Assert.Equal(2, second.Calls);

        AspectRuntime Node()
        {
            var options = new AspectRuntimeOptions { TimeProvider = Clock };
            options.Cache.DistributedCache = l2;
            options.Cache.Backplane = backplane;
            return new AspectRuntime(options);
        }
    }

    [Fact]
    public async Task Evicting_a_synchronous_method_writes_nothing_to_the_distributed_tier_and_still_reaches_every_node()
    {
        var l2 = new FakeHybridCache(Clock);
        var backplane = new InMemoryBackplane();
        var first = new Pages(Node());
        var second = new Pages(Node());
        Assert.Equal("page 1 v0", first.Render(1));
        Assert.Equal("page 1 v0", second.Render(1));
        second.Version = 1;

        // Both eviction routes: the [InvalidatesCache] partner and the generated Invalidate method.
        first.Publish(1);
        Assert.Equal("page 1 v1", second.Render(1));
        second.Version = 2;
        await first.InvalidateRender(1);
        Assert.Equal("page 1 v2", second.Render(1));

        // No synchronous read ever looks at the L2, so an eviction record or a removal there would be wasted round trips.
        Assert.Equal(0, l2.Count);
        Assert.Empty(l2.OptionsSeen);

        AspectRuntime Node()
        {
            var options = new AspectRuntimeOptions { TimeProvider = Clock };
            options.Cache.DistributedCache = l2;
            options.Cache.Backplane = backplane;
            return new AspectRuntime(options);
        }
    }

    [Fact]
    public void A_body_that_calls_itself_for_the_same_key_fails_instead_of_waiting_for_itself()
    {
        var pages = new Pages(Runtime) { Recurse = true };

        var error = Assert.Throws<InvalidOperationException>(() => pages.Render(60));

        Assert.Contains("same key", error.Message);
        Assert.Equal(1, pages.Calls);
    }

    [Fact]
    public async Task Cached_with_retry_retries_the_body_under_one_cache_entry()
    {
        var pages = new Pages(Runtime) { Failures = 1 };
        var first = Task.Factory.StartNew(() => pages.Measure(70), TaskCreationOptions.LongRunning);

        await Clock.WaitForTimerAsync("the retry delay");
        Clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(140, await first.WaitAsync(Bound));
        Assert.Equal(140, pages.Measure(70));

        Assert.Equal(2, pages.Calls);
    }

    [Fact]
    public void An_L1_hit_allocates_nothing()
    {
        var pages = new Pages(Runtime);
        var key = ("Paris", 3);
        for (var i = 0; i < 100; i++)
        {
            pages.Render(80);
            pages.Forecast(key);
        }

        var calls = pages.Calls;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _ = pages.Render(80);
            _ = pages.Forecast(key);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(calls, pages.Calls);
    }

    // A caller's exception is kept and rethrown by Join, so a failing caller fails the test instead of the test host.
    private static (Thread Thread, Exception?[] Error)[] Start(int count, Action<int> body)
    {
        var threads = new (Thread, Exception?[])[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            var error = new Exception?[1];
            threads[i] = (new Thread(() => error[0] = Record.Exception(() => body(index))) { IsBackground = true }, error);
            threads[i].Item1.Start();
        }

        return threads;
    }

    private static void Join((Thread Thread, Exception?[] Error)[] threads)
    {
        foreach (var (thread, error) in threads)
        {
            Assert.True(thread.Join(Bound), "a caller did not finish");
            Assert.Null(error[0]);
        }
    }

    internal sealed partial class Pages(AspectRuntime aspects)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ManualResetEventSlim Entered { get; } = new();

        // When set, the body of GatedId (any id when null) waits for it.
        public ManualResetEventSlim? Gate { get; init; }

        public int? GatedId { get; init; }

        public int Failures { get; set; }

        public int Version { get; set; }

        public bool Recurse { get; init; }

        [Cached(DurationSeconds = 60)]
        public partial string Render(int id);

        [Cached]
        [Retry(MaxAttempts = 2, DelayMilliseconds = 1, Jitter = false)]
        public partial int Measure(int id);

        [Cached]
        public partial string Forecast((string City, int Days) request);

        [Cached]
        public partial string Slow(int id, CancellationToken ct);

        [InvalidatesCache(nameof(Render))]
        public partial void Publish(int id);

        private string RenderCore(int id)
        {
            var run = Interlocked.Increment(ref _calls);
            if (GatedId is null || GatedId == id)
            {
                Entered.Set();
                if (Gate is { } gate)
                {
                    Assert.True(gate.Wait(Bound), "the test never opened the gate");
                }
            }

            if (run <= Failures)
            {
                throw new InvalidOperationException("renderer failed");
            }

            return Recurse ? Render(id) : $"page {id} v{Version}";
        }

        private int MeasureCore(int id) =>
            Interlocked.Increment(ref _calls) <= Failures ? throw new TimeoutException("probe timed out") : id * 2;

        private string ForecastCore((string City, int Days) request)
        {
            Interlocked.Increment(ref _calls);
            return request.City + " " + request.Days;
        }

        private void PublishCore(int id) => Version++;

        private string SlowCore(int id, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Entered.Set();
                Assert.False(Gate!.Wait(Bound, ct), "the test never cancelled the runner");
            }

            return "slow " + id;
        }
    }
}

using System.Diagnostics.Metrics;
using Aspects.Batching;
using Aspects.Policies;
using Aspects.Telemetry;
using Aspects.Tests.Infrastructure;

namespace Aspects.Tests.Batching;

/// <summary>
/// The micro-batcher behind [Batched], driven by a fake clock and a load the test completes by hand, so every
/// step waits for an observable event (a load started, a task completed), never for time to pass.
/// </summary>
public sealed class MicroBatcherTests
{
    // Every await is bounded, so a broken batcher fails the test instead of hanging the run.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly RecordingTimeProvider _clock = new();
    private readonly RecordingBatchLoad<int, string> _load = new();

    // An hour in milliseconds: a delay that never passes, so only full batches flush.
    private const int Hour = 3_600_000;

    private MicroBatcher<int, string> Batcher(
        int maxBatchSize = 3,
        int maxDelayMilliseconds = 5,
        bool throwOnMissingKey = false,
        int maxConcurrentBatches = 16,
        int maxQueuedBatches = 1024,
        string name = "Shop.Catalog.GetName") =>
        new(name, _load.LoadAsync, new BatchingSettings(maxBatchSize, maxDelayMilliseconds, throwOnMissingKey, maxConcurrentBatches, maxQueuedBatches), _clock);

    private static string Name(int key) => "product " + key;

    [Fact]
    public async Task Batch_reaching_MaxBatchSize_is_loaded_at_once_without_waiting_for_the_delay()
    {
        var batcher = Batcher(maxDelayMilliseconds: Hour);

        var calls = new[] { batcher.GetAsync(1, default), batcher.GetAsync(2, default), batcher.GetAsync(3, default) };
        var load = await _load.NextAsync("the full batch");
        load.Succeed(Name);

        Assert.Equal([1, 2, 3], load.Keys);
        Assert.Equal(["product 1", "product 2", "product 3"], await Task.WhenAll(calls).WaitAsync(Bound));
        Assert.Equal(1, _load.Count);
    }

    [Fact]
    public async Task Calls_after_a_full_batch_open_the_next_batch()
    {
        var batcher = Batcher();

        var first = new[] { batcher.GetAsync(1, default), batcher.GetAsync(2, default), batcher.GetAsync(3, default) };
        var fourth = batcher.GetAsync(4, default);
        (await _load.NextAsync("the full batch")).Succeed(Name);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        var second = await _load.NextAsync("the batch of the fourth call");
        second.Succeed(Name);

        Assert.Equal([4], second.Keys);
        Assert.Equal("product 4", await fourth.WaitAsync(Bound));
        await Task.WhenAll(first).WaitAsync(Bound);
    }

    [Fact]
    public async Task Partial_batch_is_loaded_when_MaxDelay_has_passed_on_the_batcher_clock()
    {
        var batcher = Batcher();

        var calls = new[] { batcher.GetAsync(1, default), batcher.GetAsync(2, default) };
        _clock.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(0, _load.Count);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var load = await _load.NextAsync("the delay flush");
        load.Succeed(Name);

        Assert.Equal([1, 2], load.Keys);
        Assert.Equal(["product 1", "product 2"], await Task.WhenAll(calls).WaitAsync(Bound));
        Assert.Equal([TimeSpan.FromMilliseconds(5)], _clock.DueTimes);
    }

    [Fact]
    public async Task Zero_delay_flushes_on_the_thread_pool_without_a_timer_or_the_clock_moving()
    {
        var batcher = Batcher(maxDelayMilliseconds: 0);

        var calls = new[] { batcher.GetAsync(1, default), batcher.GetAsync(2, default) };
        var loadedKeys = new List<int>();
        while (loadedKeys.Count < 2)
        {
            // Both calls may share one batch or not, depending on when the pool runs the flush: either is correct.
            var load = await _load.NextAsync("a zero-delay flush");
            loadedKeys.AddRange(load.Keys);
            load.Succeed(Name);
        }

        Assert.Equal([1, 2], loadedKeys.Order());
        Assert.Equal(["product 1", "product 2"], await Task.WhenAll(calls).WaitAsync(Bound));
        Assert.Empty(_clock.DueTimes);
    }

    [Fact]
    public async Task Duplicate_keys_in_one_batch_are_loaded_once_and_every_caller_gets_the_value()
    {
        var batcher = Batcher(maxBatchSize: 10);

        var calls = new[] { batcher.GetAsync(7, default), batcher.GetAsync(8, default), batcher.GetAsync(7, default), batcher.GetAsync(7, default) };
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        var load = await _load.NextAsync("the batch with duplicates");
        load.Succeed(Name);

        Assert.Equal([7, 8], load.Keys);
        Assert.Equal(["product 7", "product 8", "product 7", "product 7"], await Task.WhenAll(calls).WaitAsync(Bound));
    }

    [Fact]
    public async Task Duplicates_do_not_count_towards_MaxBatchSize()
    {
        var batcher = Batcher(maxDelayMilliseconds: Hour);

        var calls = new[] { batcher.GetAsync(1, default), batcher.GetAsync(1, default), batcher.GetAsync(2, default), batcher.GetAsync(1, default), batcher.GetAsync(3, default) };
        var load = await _load.NextAsync("the batch of three distinct keys");
        load.Succeed(Name);

        Assert.Equal([1, 2, 3], load.Keys);
        Assert.Equal(["product 1", "product 1", "product 2", "product 1", "product 3"], await Task.WhenAll(calls).WaitAsync(Bound));
    }

    [Fact]
    public async Task Key_missing_from_the_result_yields_default_for_its_callers_only()
    {
        var batcher = Batcher();

        var present = batcher.GetAsync(1, default);
        var missing = batcher.GetAsync(2, default);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        (await _load.NextAsync("the batch")).Result.SetResult(new Dictionary<int, string> { [1] = "one" });

        Assert.Equal("one", await present.WaitAsync(Bound));
        Assert.Null(await missing.WaitAsync(Bound));
    }

    [Fact]
    public async Task Key_missing_from_the_result_throws_KeyNotFoundException_when_asked_to()
    {
        var batcher = Batcher(throwOnMissingKey: true);

        var present = batcher.GetAsync(1, default);
        var missing = batcher.GetAsync(2, default);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        (await _load.NextAsync("the batch")).Result.SetResult(new Dictionary<int, string> { [1] = "one" });

        Assert.Equal("one", await present.WaitAsync(Bound));
        var exception = await Assert.ThrowsAsync<KeyNotFoundException>(() => missing.WaitAsync(Bound));
        Assert.Contains("Shop.Catalog.GetName", exception.Message);
    }

    [Fact]
    public async Task Each_key_is_looked_up_in_the_result_so_the_result_comparer_applies()
    {
        var load = new RecordingBatchLoad<string, int>();
        var batcher = new MicroBatcher<string, int>("Shop.Catalog.GetStock", load.LoadAsync, new BatchingSettings(), _clock);

        var call = batcher.GetAsync("sku-1", default);
        _clock.Advance(TimeSpan.FromMilliseconds(2));
        (await load.NextAsync("the batch")).Result.SetResult(
            new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["SKU-1"] = 5 });

        Assert.Equal(5, await call.WaitAsync(Bound));
    }

    [Fact]
    public async Task Failing_batch_fails_exactly_its_own_callers()
    {
        var batcher = Batcher(maxBatchSize: 2, maxDelayMilliseconds: Hour);

        var failing = new[] { batcher.GetAsync(1, default), batcher.GetAsync(2, default) };
        var failingLoad = await _load.NextAsync("the batch that fails");
        var healthy = new[] { batcher.GetAsync(3, default), batcher.GetAsync(4, default) };
        var healthyLoad = await _load.NextAsync("the batch that succeeds");
        var failure = new TimeoutException("database timed out");
        failingLoad.Result.SetException(failure);
        healthyLoad.Succeed(Name);

        foreach (var call in failing)
        {
            Assert.Same(failure, await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Bound)));
        }

        Assert.Equal(["product 3", "product 4"], await Task.WhenAll(healthy).WaitAsync(Bound));
        Assert.Equal([3, 4], healthyLoad.Keys);
    }

    [Fact]
    public async Task Load_that_throws_synchronously_fails_its_callers_and_the_batcher_keeps_working()
    {
        var loads = 0;
        var batcher = new MicroBatcher<int, int>(
            "Shop.Catalog.GetStock",
            (keys, _) => Interlocked.Increment(ref loads) == 1
                ? throw new InvalidOperationException("bad query")
                : Task.FromResult<IReadOnlyDictionary<int, int>>(keys.ToDictionary(k => k, k => k * 10)),
            new BatchingSettings(maxBatchSize: 1, maxConcurrentBatches: 1),
            _clock);

        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.GetAsync(1, default).WaitAsync(Bound));

        Assert.Equal(20, await batcher.GetAsync(2, default).WaitAsync(Bound));
    }

    [Fact]
    public async Task Load_returning_null_fails_its_callers_with_an_error_naming_the_method()
    {
        var batcher = new MicroBatcher<int, int>(
            "Shop.Catalog.GetStock",
            static (_, _) => Task.FromResult<IReadOnlyDictionary<int, int>>(null!),
            new BatchingSettings(maxBatchSize: 1),
            _clock);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.GetAsync(1, default).WaitAsync(Bound));

        Assert.Contains("Shop.Catalog.GetStock", exception.Message);
    }

    [Fact]
    public async Task Cancelled_caller_completes_as_cancelled_at_once_and_the_others_still_get_their_values()
    {
        var batcher = Batcher();
        using var cancellation = new CancellationTokenSource();

        var cancelled = batcher.GetAsync(1, cancellation.Token);
        var other = batcher.GetAsync(2, default);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bound));
        Assert.Equal(0, _load.Count);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        var load = await _load.NextAsync("the batch of the remaining caller");
        load.Succeed(Name);

        Assert.Equal("product 2", await other.WaitAsync(Bound));
        Assert.True(cancelled.IsCanceled);
        Assert.False(load.Token.CanBeCanceled, "A caller without a cancellable token keeps the batch alive, so the load's token must never cancel.");
    }

    [Fact]
    public async Task Caller_cancelling_while_the_load_runs_leaves_the_batch_running_for_the_others()
    {
        var batcher = Batcher();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();

        var cancelled = batcher.GetAsync(1, first.Token);
        var other = batcher.GetAsync(1, second.Token);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        var load = await _load.NextAsync("the batch");
        first.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bound));
        Assert.False(load.Token.IsCancellationRequested, "One caller of two cancelled: the load must go on.");
        load.Succeed(Name);
        Assert.Equal("product 1", await other.WaitAsync(Bound));
    }

    [Fact]
    public async Task Load_token_is_cancelled_only_when_every_caller_of_the_batch_cancelled()
    {
        var batcher = Batcher();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();

        var calls = new[] { batcher.GetAsync(1, first.Token), batcher.GetAsync(2, second.Token) };
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        var load = await _load.NextAsync("the batch");
        first.Cancel();
        Assert.False(load.Token.IsCancellationRequested, "One caller of two cancelled: the load must go on.");
        second.Cancel();

        // The last caller's cancellation cancels the load's token synchronously, inside Cancel.
        Assert.True(load.Token.IsCancellationRequested, "Every caller cancelled: the load's token must be cancelled.");
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
        }

        load.Result.SetCanceled(load.Token);
    }

    [Fact]
    public async Task Batch_whose_callers_all_cancelled_before_the_flush_is_not_loaded_and_frees_its_slot()
    {
        var batcher = Batcher(maxConcurrentBatches: 1, maxQueuedBatches: 1);
        using var cancellation = new CancellationTokenSource();

        var abandoned = batcher.GetAsync(1, cancellation.Token);
        await cancellation.CancelAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        var next = batcher.GetAsync(2, default);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        var load = await _load.NextAsync("the batch after the abandoned one");
        load.Succeed(Name);

        Assert.Equal([2], load.Keys);
        Assert.Equal(1, _load.Count);
        Assert.Equal("product 2", await next.WaitAsync(Bound));
        Assert.True(abandoned.IsCanceled);
    }

    [Fact]
    public async Task Already_cancelled_token_returns_a_cancelled_task_without_joining_a_batch()
    {
        var batcher = Batcher();

        var call = batcher.GetAsync(1, new CancellationToken(canceled: true));

        Assert.True(call.IsCanceled);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, _load.Count);
        Assert.Empty(_clock.DueTimes);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Many_concurrent_callers_on_many_threads_each_get_their_own_value_from_full_batches()
    {
        const int callers = 2_000;
        var load = new RecordingBatchLoad<int, int>();
        var batcher = new MicroBatcher<int, int>(
            "Shop.Catalog.GetStock",
            async (keys, token) =>
            {
                _ = load.LoadAsync(keys, token); // only records the call
                await Task.Yield();
                return keys.ToDictionary(k => k, k => k * 2);
            },
            new BatchingSettings(maxBatchSize: 10, maxDelayMilliseconds: Hour, maxConcurrentBatches: 4),
            _clock);

        // Every key is distinct and the delay never passes, so only full batches can flush: exactly callers / 10 loads.
        var calls = await Task.WhenAll(Enumerable.Range(0, callers)
            .Select(key => Task.Factory.StartNew(
                () => batcher.GetAsync(key, default), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)))
            .WaitAsync(Bound);
        var values = await Task.WhenAll(calls).WaitAsync(Bound);

        Assert.Equal(Enumerable.Range(0, callers).Select(k => k * 2), values);
        Assert.Equal(callers / 10, load.Count);
        var loadedKeys = new List<int>();
        for (var i = 0; i < callers / 10; i++)
        {
            var batch = await load.NextAsync($"load {i + 1}");
            Assert.Equal(10, batch.Keys.Count);
            loadedKeys.AddRange(batch.Keys);
        }

        Assert.Equal(Enumerable.Range(0, callers), loadedKeys.Order());
    }

    [Fact]
    public async Task Loads_beyond_MaxConcurrentBatches_wait_for_a_slot()
    {
        var batcher = Batcher(maxBatchSize: 1, maxConcurrentBatches: 2);

        var calls = new[] { batcher.GetAsync(1, default), batcher.GetAsync(2, default), batcher.GetAsync(3, default) };
        var first = await _load.NextAsync("the first load");
        var second = await _load.NextAsync("the second load");
        Assert.Equal(2, _load.Count);
        first.Succeed(Name);
        var third = await _load.NextAsync("the third load, once a slot is free");
        second.Succeed(Name);
        third.Succeed(Name);

        Assert.Equal(["product 1", "product 2", "product 3"], await Task.WhenAll(calls).WaitAsync(Bound));
    }

    [Fact]
    public async Task Calls_beyond_the_queue_bound_fail_fast_with_MicroBatcherOverloadedException_until_a_slot_frees()
    {
        var batcher = Batcher(maxBatchSize: 1, maxConcurrentBatches: 1, maxQueuedBatches: 2);

        var running = batcher.GetAsync(1, default);
        var queued = new[] { batcher.GetAsync(2, default), batcher.GetAsync(3, default) };
        var rejected = batcher.GetAsync(4, default);

        var exception = await Assert.ThrowsAsync<MicroBatcherOverloadedException>(() => rejected.WaitAsync(Bound));
        Assert.Contains("MaxQueuedBatches", exception.Message);
        Assert.Contains("Shop.Catalog.GetName", exception.Message);
        (await _load.NextAsync("the running load")).Succeed(Name);
        Assert.Equal("product 1", await running.WaitAsync(Bound));
        var second = await _load.NextAsync("the first queued load");
        var accepted = batcher.GetAsync(5, default);
        second.Succeed(Name);
        (await _load.NextAsync("the second queued load")).Succeed(Name);
        (await _load.NextAsync("the load of the call accepted again")).Succeed(Name);

        Assert.Equal(["product 2", "product 3"], await Task.WhenAll(queued).WaitAsync(Bound));
        Assert.Equal("product 5", await accepted.WaitAsync(Bound));
        Assert.Equal(4, _load.Count);
    }

    [Fact]
    public async Task Batch_size_histogram_is_tagged_with_the_method_name_only()
    {
        var name = "Shop.Catalog.GetName" + Guid.NewGuid().ToString("N");
        var recorded = new List<(int Size, KeyValuePair<string, object?>[] Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == AspectsTelemetry.Meter && instrument.Name == "aspects.batch.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, tags, _) =>
        {
            var copy = tags.ToArray();
            if (copy.Any(t => Equals(t.Value, name)))
            {
                lock (recorded)
                {
                    recorded.Add((size, copy));
                }
            }
        });
        listener.Start();
        var batcher = Batcher(name: name);

        var calls = new[] { batcher.GetAsync(1, default), batcher.GetAsync(2, default), batcher.GetAsync(2, default) };
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        (await _load.NextAsync("the batch")).Succeed(Name);
        await Task.WhenAll(calls).WaitAsync(Bound);

        lock (recorded)
        {
            var (size, tags) = Assert.Single(recorded);
            Assert.Equal(2, size);
            Assert.Equal([new KeyValuePair<string, object?>("aspects.method", name)], tags);
        }
    }

    [Fact]
    public async Task Runtime_creates_batchers_on_its_own_clock()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions { TimeProvider = _clock });
        var batcher = runtime.CreateMicroBatcher<int, string>("Shop.Catalog.GetName", _load.LoadAsync, new BatchingSettings());

        var call = batcher.GetAsync(1, default);
        _clock.Advance(TimeSpan.FromMilliseconds(2));
        (await _load.NextAsync("the batch flushed by the runtime clock")).Succeed(Name);

        Assert.Equal("product 1", await call.WaitAsync(Bound));
        Assert.Equal([TimeSpan.FromMilliseconds(2)], _clock.DueTimes);
    }
}

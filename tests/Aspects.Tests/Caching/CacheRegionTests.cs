using Aspects.Caching;

namespace Aspects.Tests.Caching;

public class CacheRegionTests
{
    private static readonly Func<ControlledBody<string?>, int, CancellationToken, Task<string?>> Controlled = ControlledBody<string?>.Run;

    [Fact]
    public async Task Local_hit_returns_the_same_completed_task_instance_without_running_the_body()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var runs = 0;

        var first = region.GetOrCreateAsync(7, 0, CacheFixture.KeyOf(definition), (_, key, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult<string?>($"value {key}");
        }, CancellationToken.None);
        Assert.Equal("value 7", await first);

        Assert.True(region.TryGetLocal(7, out var hit), "The result should be in L1 after the first call.");
        Assert.True(region.TryGetLocal(7, out var again));
        Assert.Same(hit, again);
        Assert.True(hit.IsCompletedSuccessfully);
        Assert.Equal("value 7", await hit);
        Assert.Equal(1, runs);
    }

    [Fact]
    public void The_same_definition_gets_the_same_region_and_each_runtime_its_own()
    {
        var definition = CacheFixture.Definition();
        var one = new CacheFixture().Runtime.Cache;
        var other = new CacheFixture().Runtime.Cache;

        Assert.Same(one.Region<int, string?>(definition), one.Region<int, string?>(definition));
        Assert.NotSame(one.Region<int, string?>(definition), other.Region<int, string?>(definition));
        Assert.Same(one.Region<int, string?>(definition), one.Region<int, string?>(definition));
        Assert.Throws<InvalidOperationException>(() => one.Region<long, string?>(definition));
    }

    [Fact]
    public async Task Without_an_L2_an_entry_lives_for_the_whole_duration()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition(durationSeconds: 300);
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var runs = 0;
        Task<string?> Call() => region.GetOrCreateAsync(1, 0, CacheFixture.KeyOf(definition), (_, _, _) =>
            Task.FromResult<string?>($"run {Interlocked.Increment(ref runs)}"), CancellationToken.None);

        Assert.Equal("run 1", await Call());
        fixture.Time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal("run 1", await Call());
        Assert.True(region.TryGetLocal(1, out _), "At 299 s of 300 the entry is still valid.");

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(region.TryGetLocal(1, out _), "At 300 s the entry has expired.");
        Assert.Equal("run 2", await Call());
    }

    [Fact]
    public async Task With_an_L2_the_local_copy_expires_after_the_local_duration_and_the_L2_answers_until_the_duration()
    {
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = new FakeHybridCache(o.TimeProvider));
        var definition = CacheFixture.Definition(durationSeconds: 300, localDurationSeconds: 30);
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var runs = 0;
        Task<string?> Call() => region.GetOrCreateAsync(1, 0, CacheFixture.KeyOf(definition), (_, _, _) =>
            Task.FromResult<string?>($"run {Interlocked.Increment(ref runs)}"), CancellationToken.None);

        Assert.Equal("run 1", await Call());
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(region.TryGetLocal(1, out _), "The L1 copy lives for the local duration only.");
        Assert.Equal("run 1", await Call());
        Assert.Equal(1, runs);

        fixture.Time.Advance(TimeSpan.FromSeconds(270));
        Assert.Equal("run 2", await Call());
    }

    [Fact]
    public void Local_duration_defaults_to_a_minute_and_never_exceeds_the_duration()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), CacheFixture.Definition(durationSeconds: 300).Settings.LocalDuration);
        Assert.Equal(TimeSpan.FromSeconds(20), CacheFixture.Definition(durationSeconds: 20).Settings.LocalDuration);
        Assert.Equal(TimeSpan.FromSeconds(20), CacheFixture.Definition(durationSeconds: 20, localDurationSeconds: 90).Settings.LocalDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), CacheFixture.Definition(durationSeconds: 300, localDurationSeconds: 5).Settings.LocalDuration);
    }

    [Fact]
    public async Task A_region_past_its_entry_limit_drops_the_oldest_entries_first()
    {
        var fixture = new CacheFixture(o => o.Cache.MaxLocalEntriesPerMethod = 10);
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);

        for (var key = 0; key <= 10; key++)
        {
            await region.GetOrCreateAsync(key, 0, CacheFixture.KeyOf(definition), (_, k, _) => Task.FromResult<string?>($"{k}"), CancellationToken.None);
        }

        Assert.InRange(region.LocalCount, 1, 10);
        Assert.False(region.TryGetLocal(0, out _), "The oldest entry is evicted first.");
        Assert.True(region.TryGetLocal(10, out _), "The newest entry survives the sweep.");
    }

    [Fact]
    public async Task Expired_entries_are_evicted_before_live_ones()
    {
        var fixture = new CacheFixture(o => o.Cache.MaxLocalEntriesPerMethod = 3);
        var shortLived = CacheFixture.Definition(durationSeconds: 10);
        var region = fixture.Runtime.Cache.Region<int, string?>(shortLived);
        Task<string?> Call(int key) => region.GetOrCreateAsync(key, 0, CacheFixture.KeyOf(shortLived), (_, k, _) => Task.FromResult<string?>($"{k}"), CancellationToken.None);

        await Call(1);
        await Call(2);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        await Call(3);
        await Call(4);

        Assert.Equal(2, region.LocalCount);
        Assert.True(region.TryGetLocal(3, out _));
        Assert.True(region.TryGetLocal(4, out _));
    }

    [Fact]
    public async Task A_thousand_concurrent_misses_for_one_key_run_the_body_once()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var body = new ControlledBody<string?>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each caller resumes on the thread pool when the gate opens, so the misses really overlap.
        var callers = Enumerable.Range(0, 1_000).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return region.GetOrCreateAsync(5, body, CacheFixture.KeyOf(definition), Controlled, CancellationToken.None);
        })).ToArray();
        start.SetResult();
        var waits = await CacheFixture.Within(Task.WhenAll(callers), "the 1,000 callers to reach the cache");

        Assert.Equal(1, body.Runs);
        Assert.All(waits, wait => Assert.False(wait.IsCompleted, "Every caller waits for the one run."));
        body.Complete(0, "shared");
        var results = await CacheFixture.Within(Task.WhenAll(waits), "the shared run to reach every caller");
        Assert.All(results, result => Assert.Equal("shared", result));
        Assert.Equal(1, body.Runs);
    }

    [Fact]
    public async Task Misses_for_different_keys_run_their_own_bodies()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var body = new ControlledBody<string?>();

        var one = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, CancellationToken.None);
        var two = region.GetOrCreateAsync(2, body, CacheFixture.KeyOf(definition), Controlled, CancellationToken.None);

        Assert.Equal(2, body.Runs);
        body.Complete(0, "one");
        body.Complete(1, "two");
        Assert.Equal("one", await one);
        Assert.Equal("two", await two);
    }

    [Fact]
    public async Task Exceptions_reach_the_waiting_callers_and_are_never_cached()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var body = new ControlledBody<string?>();

        var first = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, CancellationToken.None);
        var joined = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, CancellationToken.None);
        body.Fail(0, new InvalidOperationException("boom"));

        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => joined)).Message);
        Assert.False(region.TryGetLocal(1, out _), "A failure is not cached.");

        var retry = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, CancellationToken.None);
        Assert.Equal(2, body.Runs);
        body.Complete(1, "recovered");
        Assert.Equal("recovered", await retry);
    }

    [Fact]
    public async Task Null_results_are_cached()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var runs = 0;
        Task<string?> Call() => region.GetOrCreateAsync(1, 0, CacheFixture.KeyOf(definition), (_, _, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult<string?>(null);
        }, CancellationToken.None);

        Assert.Null(await Call());
        Assert.Null(await Call());
        Assert.True(region.TryGetLocal(1, out var hit));
        Assert.Null(await hit);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task One_caller_cancelling_ends_only_its_own_wait()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var body = new ControlledBody<string?>();
        using var leaving = new CancellationTokenSource();
        using var staying = new CancellationTokenSource();

        var left = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, leaving.Token);
        var stayed = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, staying.Token);
        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CacheFixture.Within(left, "the cancelled caller to stop waiting"));
        Assert.False(body.TokenOfRun(0).IsCancellationRequested, "The body keeps running for the caller still waiting.");
        Assert.False(stayed.IsCompleted);
        body.Complete(0, "value");
        Assert.Equal("value", await CacheFixture.Within(stayed, "the remaining caller"));
        Assert.Equal(1, body.Runs);
        Assert.True(region.TryGetLocal(1, out _), "The result of a run that one caller left is still cached.");
    }

    [Fact]
    public async Task The_body_is_cancelled_when_every_waiting_caller_has_cancelled_and_nothing_is_cached()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var body = new ControlledBody<string?>();
        using var one = new CancellationTokenSource();
        using var two = new CancellationTokenSource();

        var first = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, one.Token);
        var second = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, two.Token);
        await one.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CacheFixture.Within(first, "the first caller"));
        Assert.False(body.TokenOfRun(0).IsCancellationRequested, "One caller is still waiting.");
        await two.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CacheFixture.Within(second, "the second caller"));

        Assert.True(body.TokenOfRun(0).IsCancellationRequested, "No caller is left, so the body is told to stop.");
        Assert.False(region.TryGetLocal(1, out _));

        var fresh = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, CancellationToken.None);
        Assert.Equal(2, body.Runs);
        body.Complete(1, "fresh");
        Assert.Equal("fresh", await CacheFixture.Within(fresh, "a new caller after the abandoned run"));
    }

    [Fact]
    public async Task A_caller_whose_token_is_already_cancelled_does_not_start_the_body()
    {
        var fixture = new CacheFixture();
        var definition = CacheFixture.Definition();
        var region = fixture.Runtime.Cache.Region<int, string?>(definition);
        var body = new ControlledBody<string?>();

        var call = region.GetOrCreateAsync(1, body, CacheFixture.KeyOf(definition), Controlled, new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, body.Runs);
    }
}

using System.Globalization;
using System.Threading.RateLimiting;
using Aspects.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Aspects.Tests.RateLimiting;

/// <summary>
/// Model-based test of the in-process bucket: thousands of random schedules (acquire n permits in wait or reject
/// mode through both APIs, cancel a waiter, advance a fake clock, reconfigure, dispose), each step checked against
/// <see cref="TokenBucketModel"/>: the same outcome, RetryAfter never early, no waiter early or left pending once
/// its slot has come (waits are whole milliseconds: within 2 ms), nothing admitted after disposal, and never more
/// permits than burst + rate × window in any window. The seed is in every failure message; set
/// <c>ASPECTS_MODEL_SEED</c> to replay one schedule.
/// </summary>
public class TokenBucketModelTests(ITestOutputHelper output)
{
    private const double Tick = 1e-7;
    // How closely the bucket's schedule follows the model's exact one: it counts in units of 2^-17 permit or finer
    // at the rates used here and whole ticks, and a reconfiguration carries a unit's fraction into a new rate (at
    // 0.5/s a unit is 15 µs). Far below the millisecond granularity of its waits.
    private const double Precision = 1e-4;
    // Timers count whole milliseconds, and one re-check may add another.
    private const double Rounding = 0.002 + Tick;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly double[] Rates = [0.5, 1, 3, 10, 100, 1_000, 30_000];

    [Fact]
    public async Task Random_schedules_behave_like_the_reference_model()
    {
        var replay = Environment.GetEnvironmentVariable("ASPECTS_MODEL_SEED");
        var first = replay is null ? Environment.TickCount : int.Parse(replay, CultureInfo.InvariantCulture);
        var schedules = replay is null ? 2_000 : 1;
        var inconclusive = 0;
        for (var i = 0; i < schedules; i++)
        {
            var seed = unchecked(first + i);
            bool conclusive;
            var schedule = new Schedule(seed);
            try
            {
                conclusive = await schedule.RunAsync();
            }
            catch (Exception e)
            {
                throw new InvalidOperationException(
                    $"Schedule {seed} failed (replay: ASPECTS_MODEL_SEED={seed}): {e.Message}\nSteps:\n{schedule.Steps}", e);
            }

            inconclusive += conclusive ? 0 : 1;
        }

        output.WriteLine($"{schedules} schedules from seed {first}; {inconclusive} ended early on a decision within rounding of its boundary.");
        Assert.True(inconclusive * 20 <= schedules, $"{inconclusive} of {schedules} schedules (seed {first}) were inconclusive.");
    }

    private sealed class Waiter
    {
        public required Task Task { get; init; }

        // The fake time at which the task completed (or later, when its continuation ran on the thread pool).
        public required Task<double> CompletedAt { get; init; }

        public required CancellationTokenSource Cancellation { get; init; }

        public required double Slot { get; init; }

        public required int Permits { get; init; }

        public required bool LeaseApi { get; init; }

        public TokenBucketModel.Reservation? Reservation { get; init; }

        public bool Done { get; set; }
    }

    private sealed class Schedule(int seed)
    {
        private readonly Random _random = new(seed);
        private readonly FakeTimeProvider _time = new();
        private readonly List<Waiter> _waiters = [];
        private readonly List<(double At, int Permits)> _admitted = [];
        private readonly System.Text.StringBuilder _steps = new();
        private long _started;
        private TokenBucket _bucket = null!;
        private TokenBucketModel _model = null!;
        private double _maxRate;
        private int _maxBurst;

        private double Now => _time.GetElapsedTime(_started).TotalSeconds;

        public string Steps => _steps.ToString();

        public async Task<bool> RunAsync()
        {
            _started = _time.GetTimestamp();
            var rate = Rates[_random.Next(Rates.Length)];
            var burst = _random.Next(3) == 0 ? _random.Next(1, 100) : _random.Next(1, 6);
            _bucket = new TokenBucket("model", rate, burst, _time);
            _model = new TokenBucketModel(rate, burst);
            (_maxRate, _maxBurst) = (rate, burst);
            try
            {
                for (var step = 0; step < 60; step++)
                {
                    var op = _random.Next(100);
                    var conclusive = op switch
                    {
                        < 50 => Acquire(),
                        < 60 => await CancelAsync(),
                        < 93 => await AdvanceAsync(),
                        < 98 => Reconfigure(),
                        _ => await DisposeAsync(),
                    };
                    if (!conclusive)
                    {
                        return false;
                    }

                    if (_model.Disposed)
                    {
                        break;
                    }
                }

                if (!_model.Disposed)
                {
                    var last = _waiters.Where(w => !w.Done).Select(w => w.Slot).DefaultIfEmpty(Now).Max();
                    await AdvanceToAsync(last + Rounding);
                    Assert.All(_waiters, w => Assert.True(w.Done, "Every waiter is served once its slot has come."));
                }

                CheckWindows();
                return true;
            }
            finally
            {
                _bucket.Dispose();
            }
        }

        private bool Acquire()
        {
            var permits = _random.Next(10) == 0 ? 0 : _random.Next(1, _model.Burst + 1);
            var wait = _random.Next(5) < 3;
            var leaseApi = permits != 1 || _random.Next(2) == 0;
            var maxWait = !wait ? 0
                : leaseApi ? AspectRateLimiter.RateLimiterApiMaxWait.TotalSeconds
                : _random.Next(3) == 0 ? double.PositiveInfinity : _random.Next(0, 3_000) / 1000.0;
            var now = Now;
            var expected = _model.Take(now, permits, wait, maxWait);
            var what = $"at {now:0.0000000} s, {permits} permit(s), {(wait ? "wait " + maxWait + " s" : "reject")}, {(leaseApi ? "RateLimiter API" : "aspect API")}, rate {_model.Rate}, burst {_model.Burst}";

            using var cancellation = new CancellationTokenSource();
            var waiterCancellation = new CancellationTokenSource();
            Task task;
            if (leaseApi && !wait)
            {
                var lease = _bucket.AttemptAcquire(permits);
                task = lease.IsAcquired ? Task.CompletedTask : Task.FromException(new LeaseFailed(Retry(lease)));
            }
            else if (leaseApi)
            {
                task = LeaseAsync(_bucket.AcquireAsync(permits, waiterCancellation.Token));
            }
            else
            {
                task = _bucket.AcquireAsync(
                    wait ? RateLimitMode.Wait : RateLimitMode.Reject,
                    double.IsPositiveInfinity(maxWait) ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(maxWait),
                    waiterCancellation.Token).AsTask();
            }

            _steps.AppendLine(CultureInfo.InvariantCulture, $"{what}: model {expected.Kind} {expected.Time}");
            var actual = task.IsCompletedSuccessfully ? TokenBucketModel.Kind.Now
                : task.IsFaulted ? TokenBucketModel.Kind.Rejected
                : TokenBucketModel.Kind.Wait;
            if (actual != expected.Kind)
            {
                if (expected.Margin < Precision)
                {
                    return false; // a rounding difference at the boundary: the model cannot follow from here
                }

                Assert.Fail($"{what}: the model says {expected.Kind}, the bucket {actual} ({task.Exception?.InnerException?.Message}).");
            }

            switch (actual)
            {
                case TokenBucketModel.Kind.Now:
                    _admitted.Add((now, permits));
                    break;
                case TokenBucketModel.Kind.Rejected:
                    var retryAfter = task.Exception!.InnerException switch
                    {
                        RateLimitRejectedException r => r.RetryAfter!.Value.TotalSeconds,
                        LeaseFailed f => f.RetryAfter,
                        var other => throw new InvalidOperationException($"{what}: unexpected failure", other),
                    };
                    Assert.True(retryAfter >= expected.Time - Precision, $"{what}: RetryAfter {retryAfter} s is earlier than the model's {expected.Time} s.");
                    // Later is safe (after a reconfiguration the bucket may round the old schedule's end up a little).
                    Assert.True(retryAfter <= expected.Time + Rounding, $"{what}: RetryAfter {retryAfter} s is later than the model's {expected.Time} s.");
                    break;
                default:
                    _waiters.Add(new Waiter
                    {
                        Task = task,
                        CompletedAt = task.ContinueWith(_ => Now, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default),
                        Cancellation = waiterCancellation,
                        Slot = expected.Time,
                        Permits = permits,
                        LeaseApi = leaseApi,
                        Reservation = expected.Reservation,
                    });
                    break;
            }

            return true;
        }

        private async Task<bool> CancelAsync()
        {
            var now = Now;
            var candidates = _waiters.Where(w => !w.Done && w.Slot > now + Rounding).ToList();
            if (candidates.Count == 0)
            {
                return true;
            }

            var waiter = candidates[_random.Next(candidates.Count)];
            _steps.AppendLine(CultureInfo.InvariantCulture, $"at {now} s cancel the waiter due at {waiter.Slot} s");
            await waiter.Cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.Task.WaitAsync(Bound));
            waiter.Done = true;
            if (waiter.Reservation is not null)
            {
                _model.GiveBack(waiter.Reservation, now);
            }

            return true;
        }

        private async Task<bool> AdvanceAsync()
        {
            var pending = _waiters.Where(w => !w.Done).Select(w => w.Slot).DefaultIfEmpty(double.NaN).Min();
            double seconds = _random.Next(3) switch
            {
                0 => _random.Next(1, 20_000) * Tick,
                1 when !double.IsNaN(pending) => Math.Max(0, pending - Now) + (_random.Next(0, 3_000) * 1e-6),
                _ => _random.NextDouble() * 3 / _model.Rate,
            };
            await AdvanceToAsync(Now + Math.Max(Tick, seconds));
            _steps.AppendLine(CultureInfo.InvariantCulture, $"advance to {Now} s");
            return true;
        }

        // FakeTimeProvider fires every timer due within one Advance at its end time, so the clock moves to each
        // pending slot in turn, then by 1 ms (a timer's granularity) while a waiter is due: an early start shows.
        private async Task AdvanceToAsync(double target)
        {
            while (Now < target - (Tick / 2))
            {
                var now = Now;
                var step = target;
                foreach (var waiter in _waiters)
                {
                    if (!waiter.Done)
                    {
                        step = Math.Min(step, waiter.Slot > now ? waiter.Slot : now + 0.001);
                    }
                }

                _time.Advance(TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling((step - now) / Tick))));
                await CheckWaitersAsync();
            }
        }

        private bool Reconfigure()
        {
            var rate = Rates[_random.Next(Rates.Length)];
            var burst = _random.Next(1, 10);
            _steps.AppendLine(CultureInfo.InvariantCulture, $"at {Now} s reconfigure to {rate}/s, burst {burst}");
            Assert.True(_bucket.Reconfigure(rate, burst));
            _model.Reconfigure(Now, rate, burst);
            (_maxRate, _maxBurst) = (Math.Max(_maxRate, rate), Math.Max(_maxBurst, burst));
            return true;
        }

        private async Task<bool> DisposeAsync()
        {
            var now = Now;
            // Waiters whose slot is within rounding may already have been served: only the others are checked.
            var pending = _waiters.Where(w => !w.Done && w.Slot > now + Rounding).ToList();
            _bucket.Dispose();
            _model.Dispose();
            foreach (var waiter in pending)
            {
                if (waiter.LeaseApi)
                {
                    var failed = await Assert.ThrowsAsync<LeaseFailed>(() => waiter.Task.WaitAsync(Bound));
                    Assert.Equal(double.NaN, failed.RetryAfter);
                }
                else
                {
                    await Assert.ThrowsAsync<ObjectDisposedException>(() => waiter.Task.WaitAsync(Bound));
                }

                waiter.Done = true;
            }

            Assert.Throws<ObjectDisposedException>(() => _bucket.AttemptAcquire(1));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => _bucket.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask());
            _time.Advance(TimeSpan.FromSeconds(10));
            foreach (var waiter in _waiters.Where(w => !w.Done))
            {
                // Due within rounding at disposal: served before it, or released by it, never after.
                await Assert.ThrowsAnyAsync<Exception>(() => waiter.Task.WaitAsync(Bound)).ContinueWith(_ => { }, TaskScheduler.Default);
                if (waiter.Task.IsCompletedSuccessfully && waiter.Permits > 0)
                {
                    _admitted.Add((now, waiter.Permits));
                }

                waiter.Done = true;
            }

            return true;
        }

        private async Task CheckWaitersAsync()
        {
            var now = Now;
            foreach (var waiter in _waiters.Where(w => !w.Done))
            {
                if (waiter.Slot + Rounding <= now)
                {
                    await waiter.Task.WaitAsync(Bound);
                }

                if (waiter.Task.IsCompleted)
                {
                    var served = await waiter.CompletedAt.WaitAsync(Bound);
                    Assert.True(waiter.Task.IsCompletedSuccessfully, $"A waiter due at {waiter.Slot} s failed at {served} s: {waiter.Task.Exception}");
                    Assert.True(waiter.Slot <= served + Precision, $"A waiter due at {waiter.Slot} s was served early, at {served} s.");
                    waiter.Done = true;
                    if (waiter.Permits > 0)
                    {
                        // Its slot: served no earlier (checked here) and no later than the rounding (checked above,
                        // by awaiting every waiter whose slot + rounding has passed).
                        _admitted.Add((waiter.Slot, waiter.Permits));
                    }

                    _steps.AppendLine(CultureInfo.InvariantCulture, $"  served at {served} s: the waiter due at {waiter.Slot} s ({waiter.Permits} permits)");
                }
            }
        }

        // In any window [a, b] of admission slots: at most the largest burst + the largest rate × (b − a). (Waiters
        // start within the rounding after their slots: callers see the window widened by that much.)
        private void CheckWindows()
        {
            var admitted = _admitted.OrderBy(a => a.At).ToList();
            for (var i = 0; i < admitted.Count; i++)
            {
                var permits = 0;
                for (var j = i; j < admitted.Count; j++)
                {
                    permits += admitted[j].Permits;
                    var bound = _maxBurst + (_maxRate * (admitted[j].At - admitted[i].At)) + 1e-6;
                    Assert.True(permits <= bound, $"{permits} permits admitted between {admitted[i].At} s and {admitted[j].At} s; the bound is {bound}.");
                }
            }
        }

        private static double Retry(RateLimitLease lease) =>
            lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after.TotalSeconds : double.NaN;

        private static async Task LeaseAsync(ValueTask<RateLimitLease> pending)
        {
            using var lease = await pending;
            if (!lease.IsAcquired)
            {
                throw new LeaseFailed(Retry(lease));
            }
        }
    }

    private sealed class LeaseFailed(double retryAfter) : Exception($"failed lease, retry after {retryAfter} s")
    {
        public double RetryAfter { get; } = retryAfter;
    }
}

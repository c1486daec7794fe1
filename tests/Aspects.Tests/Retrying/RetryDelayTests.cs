using Aspects.Retrying;

namespace Aspects.Tests.Retrying;

public class RetryDelayTests
{
    [Theory]
    [InlineData(RetryBackoff.Constant, new[] { 100, 100, 100, 100 })]
    [InlineData(RetryBackoff.Linear, new[] { 100, 200, 300, 400 })]
    [InlineData(RetryBackoff.Exponential, new[] { 100, 200, 400, 800 })]
    public void Without_jitter_delays_follow_the_backoff(RetryBackoff backoff, int[] expected)
    {
        var state = 0d;
        var delays = Enumerable.Range(1, expected.Length)
            .Select(retry => RetryDelay.Next(backoff, retry, 100, 30_000, jitter: false, ref state, new Random(1)).TotalMilliseconds);
        Assert.Equal(expected.Select(e => (double)e), delays);
    }

    [Theory]
    [InlineData(RetryBackoff.Constant)]
    [InlineData(RetryBackoff.Linear)]
    [InlineData(RetryBackoff.Exponential)]
    public void Every_delay_is_capped_by_the_maximum(RetryBackoff backoff)
    {
        var state = 0d;
        var random = new Random(7);
        for (var retry = 1; retry <= 40; retry++)
        {
            var delay = RetryDelay.Next(backoff, retry, 1_000, 5_000, jitter: true, ref state, random);
            Assert.InRange(delay.TotalMilliseconds, 0, 5_000);
        }
    }

    [Theory]
    [InlineData(RetryBackoff.Constant, 1, 100)]
    [InlineData(RetryBackoff.Linear, 3, 300)]
    public void Constant_and_linear_jitter_add_up_to_half_the_delay(RetryBackoff backoff, int retry, double plain)
    {
        var state = 0d;
        var random = new Random(42);
        var delays = Enumerable.Range(0, 500).Select(_ => RetryDelay.Next(backoff, retry, 100, 30_000, true, ref state, random).TotalMilliseconds).ToList();
        Assert.All(delays, d => Assert.InRange(d, plain, plain * 1.5));
        Assert.True(delays.Distinct().Count() > 100, "Jitter should spread the delays.");
    }

    [Fact]
    public void Exponential_jitter_keeps_the_median_time_of_each_retry_near_the_plain_schedule()
    {
        // Decorrelated jitter V2 (as in Polly v8): over many calls, the median time at which retry n
        // happens (the sum of the delays before it) lands near base × 2^(n-1), with no spikes.
        var random = new Random(123);
        var elapsed = Enumerable.Range(0, 5).Select(_ => new List<double>()).ToList();
        for (var call = 0; call < 4_000; call++)
        {
            var state = 0d;
            var total = 0d;
            for (var retry = 1; retry <= 5; retry++)
            {
                var delay = RetryDelay.Next(RetryBackoff.Exponential, retry, 1_000, int.MaxValue, true, ref state, random).TotalMilliseconds;
                Assert.True(delay >= 0, "A delay is never negative.");
                total += delay;
                elapsed[retry - 1].Add(total);
            }
        }

        for (var retry = 1; retry <= 5; retry++)
        {
            var sorted = elapsed[retry - 1].Order().ToList();
            Assert.InRange(sorted[sorted.Count / 2], 1_000 * Math.Pow(2, retry - 1) * 0.7, 1_000 * Math.Pow(2, retry - 1) * 1.4);
        }
    }

    [Fact]
    public void Zero_base_delay_retries_at_once()
    {
        var state = 0d;
        Assert.Equal(TimeSpan.Zero, RetryDelay.Next(RetryBackoff.Exponential, 3, 0, 1_000, true, ref state, new Random(1)));
    }

    [Fact]
    public void Exponential_jitter_past_1024_retries_stays_at_the_cap_instead_of_NaN()
    {
        // The case: base 1 ms, cap 2 ms, retries 1..1,100 in one call. 2^1024 is infinite in
        // floating point; infinity minus infinity was NaN, which TimeSpan rejects.
        var state = 0d;
        var random = new Random(5);
        for (var retry = 1; retry <= 1_100; retry++)
        {
            var delay = RetryDelay.Next(RetryBackoff.Exponential, retry, 1, 2, jitter: true, ref state, random);
            Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(2));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(2), RetryDelay.Next(RetryBackoff.Exponential, 1_101, 1, 2, true, ref state, random));
    }

    /// <summary>
    /// Property: for every backoff, jitter on or off, base and cap (extremes included), random source (extreme
    /// ones included) and retry number up to <see cref="int.MaxValue"/>, reached step by step or by a jump with
    /// the state carried, every delay lies within [0, cap]. The seed is in the failure message; pass it to
    /// <see cref="CheckDelaysWithinTheCap"/> to replay.
    /// </summary>
    [Fact]
    public void Every_delay_of_every_backoff_is_within_zero_and_the_cap_for_every_retry_number()
    {
        var seed = Environment.TickCount;
        for (var run = 0; run < 2_000; run++)
        {
            CheckDelaysWithinTheCap(seed + run);
        }
    }

    [Theory]
    [InlineData(RetryBackoff.Constant)]
    [InlineData(RetryBackoff.Linear)]
    [InlineData(RetryBackoff.Exponential)]
    public void The_largest_retry_number_gets_a_delay_within_the_cap(RetryBackoff backoff)
    {
        foreach (var jitter in new[] { false, true })
        {
            foreach (var random in new Random[] { new ExtremeRandom(0), new ExtremeRandom(1 - 1e-16), new Random(3) })
            {
                var state = 0d;
                var delay = RetryDelay.Next(backoff, int.MaxValue, int.MaxValue, int.MaxValue, jitter, ref state, random);
                Assert.Equal(TimeSpan.FromMilliseconds(int.MaxValue), delay);
                delay = RetryDelay.Next(backoff, int.MaxValue, int.MaxValue, int.MaxValue, jitter, ref state, random);
                Assert.Equal(TimeSpan.FromMilliseconds(int.MaxValue), delay);
            }
        }
    }

    private static void CheckDelaysWithinTheCap(int seed)
    {
        var pick = new Random(seed);
        int[] extremes = [0, 1, 2, 100, 30_000, int.MaxValue - 1, int.MaxValue];
        int Value() => pick.Next(3) == 0 ? extremes[pick.Next(extremes.Length)] : pick.Next(0, int.MaxValue);
        var backoff = (RetryBackoff)pick.Next(3);
        var jitter = pick.Next(2) == 0;
        var baseDelay = Value();
        var cap = Math.Max(baseDelay, Value());
        Random source = pick.Next(4) switch
        {
            0 => new ExtremeRandom(0),
            1 => new ExtremeRandom(1 - 1e-16),
            _ => new Random(pick.Next()),
        };

        var state = 0d;
        var retry = 1;
        for (var step = 0; step < 40; step++)
        {
            var delay = RetryDelay.Next(backoff, retry, baseDelay, cap, jitter, ref state, source);
            if (delay < TimeSpan.Zero || delay > TimeSpan.FromMilliseconds(cap))
            {
                Assert.Fail(
                    $"Seed {seed}: {backoff}, jitter {jitter}, base {baseDelay} ms, cap {cap} ms, retry {retry}: delay {delay.TotalMilliseconds} ms is outside [0, {cap}] ms.");
            }

            // Mostly the next retry; sometimes a jump (far, or to the very last retry number).
            retry = pick.Next(4) switch
            {
                0 => (int)Math.Min(int.MaxValue, retry + (long)pick.Next(1, 2_000)),
                1 when step > 30 => int.MaxValue,
                _ => retry == int.MaxValue ? retry : retry + 1,
            };
        }
    }

    /// <summary>A random source stuck at one end of [0, 1).</summary>
    private sealed class ExtremeRandom(double value) : Random
    {
        public override double NextDouble() => value;

        protected override double Sample() => value;
    }
}

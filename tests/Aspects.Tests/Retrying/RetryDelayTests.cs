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
}

using Aspects.Generators.Emitting;
using Aspects.Generators.Model;

namespace Aspects.Generators.Tests;

/// <summary>The comment above a [Retry] layer, for one call and for a whole batch (what BatchEmitter writes).</summary>
public class RetryDescribeTests
{
    private static readonly RetryModel Plain = new(3, 200, 30_000, 2, true, EquatableArray<HandledException>.Empty);

    [Fact]
    public void One_call_reads_as_before() =>
        Assert.Equal(
            "// [Retry] up to 3 attempts; exponential backoff from 200 ms, at most 30000 ms, with jitter; handles transient exceptions.",
            RetryEmitter.Describe(Plain));

    [Fact]
    public void A_whole_batch_says_so_with_or_without_a_policy()
    {
        Assert.Equal(
            "// [Retry] up to 3 attempts of the whole batch; exponential backoff from 200 ms, at most 30000 ms, with jitter; handles transient exceptions.",
            RetryEmitter.Describe(Plain, wholeBatch: true));

        // A policy name that happens to contain the words is left as it is.
        var withPolicy = Plain with { Policy = "attempts;", Backoff = 0, Jitter = false, Handle = new([new HandledException("global::System.TimeoutException", "System.TimeoutException")]) };
        Assert.Equal(
            "// [Retry] policy \"attempts;\" (defaults: up to 3 attempts of the whole batch; constant backoff from 200 ms, at most 30000 ms); handles System.TimeoutException.",
            RetryEmitter.Describe(withPolicy, wholeBatch: true));
    }
}

using Aspects.Retrying;

namespace Aspects.Policies;

/// <summary>The effective settings of a <c>[Retry]</c> method: its attribute merged with its policy. Immutable.</summary>
public sealed class RetrySettings
{
    /// <summary>Creates validated settings.</summary>
    /// <param name="maxAttempts">Total attempts; at least 1.</param>
    /// <param name="delayMilliseconds">Base delay; at least 0.</param>
    /// <param name="maxDelayMilliseconds">Cap of one delay; at least 0.</param>
    /// <param name="backoff">How delays grow.</param>
    /// <param name="jitter">Whether delays are randomized.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public RetrySettings(int maxAttempts, int delayMilliseconds, int maxDelayMilliseconds, RetryBackoff backoff, bool jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(delayMilliseconds);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDelayMilliseconds);
        MaxAttempts = maxAttempts;
        DelayMilliseconds = delayMilliseconds;
        MaxDelayMilliseconds = maxDelayMilliseconds;
        Backoff = backoff;
        Jitter = jitter;
    }

    /// <summary>Total attempts, the first one included.</summary>
    public int MaxAttempts { get; }

    /// <summary>Base delay before the first retry, in milliseconds.</summary>
    public int DelayMilliseconds { get; }

    /// <summary>Cap of any single delay, in milliseconds.</summary>
    public int MaxDelayMilliseconds { get; }

    /// <summary>How delays grow.</summary>
    public RetryBackoff Backoff { get; }

    /// <summary>Whether delays are randomized.</summary>
    public bool Jitter { get; }

    /// <summary>The delay before retry number <paramref name="retry"/> (see <see cref="RetryDelay.Next"/>).</summary>
    /// <param name="retry">1 for the first retry.</param>
    /// <param name="state">The jitter state of this call of the method; start at 0.</param>
    /// <param name="random">The random source.</param>
    /// <returns>The delay.</returns>
    public TimeSpan NextDelay(int retry, ref double state, Random random) =>
        RetryDelay.Next(Backoff, retry, DelayMilliseconds, MaxDelayMilliseconds, Jitter, ref state, random);

    internal RetrySettings With(RetryPolicy policy) => new(
        policy.MaxAttempts ?? MaxAttempts,
        policy.DelayMilliseconds ?? DelayMilliseconds,
        policy.MaxDelayMilliseconds ?? MaxDelayMilliseconds,
        policy.Backoff ?? Backoff,
        policy.Jitter ?? Jitter);

    internal bool SameAs(RetrySettings other) =>
        MaxAttempts == other.MaxAttempts && DelayMilliseconds == other.DelayMilliseconds && MaxDelayMilliseconds == other.MaxDelayMilliseconds
        && Backoff == other.Backoff && Jitter == other.Jitter;
}

using Aspects.Retrying;
using Aspects.Rules;

namespace Aspects.Policies;

/// <summary>The effective settings of a <c>[Retry]</c> method: its attribute merged with its policy. Immutable.</summary>
public sealed class RetrySettings
{
    /// <summary>Creates validated settings; a value left out takes <see cref="RetryAttribute"/>'s default.</summary>
    /// <param name="maxAttempts">Total attempts, the first one included; at least 1. Default 3.</param>
    /// <param name="delayMilliseconds">Base delay before the first retry; at least 0. Default 200.</param>
    /// <param name="maxDelayMilliseconds">
    /// Cap of any single delay; at least 0. Default 30000. A cap below <paramref name="delayMilliseconds"/> (a policy that
    /// overrides only one of the two) caps every delay.
    /// </param>
    /// <param name="backoff">How delays grow; a defined member. Default <see cref="RetryBackoff.Exponential"/>.</param>
    /// <param name="jitter">Whether delays are randomized. Default <see langword="true"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the setting and says why.</exception>
    public RetrySettings(
        int maxAttempts = RetryRules.DefaultMaxAttempts,
        int delayMilliseconds = RetryRules.DefaultDelayMilliseconds,
        int maxDelayMilliseconds = RetryRules.DefaultMaxDelayMilliseconds,
        RetryBackoff backoff = (RetryBackoff)RetryRules.DefaultBackoff,
        bool jitter = RetryRules.DefaultJitter)
    {
        PolicyRules.ThrowIfInvalid(RetryRules.CheckMaxAttempts(maxAttempts), nameof(maxAttempts), RetryRules.MaxAttempts, maxAttempts);
        PolicyRules.ThrowIfInvalid(RetryRules.CheckDelayMilliseconds(delayMilliseconds), nameof(delayMilliseconds), RetryRules.DelayMilliseconds, delayMilliseconds);
        PolicyRules.ThrowIfInvalid(
            RetryRules.CheckMaxDelayMilliseconds(maxDelayMilliseconds, delayMilliseconds: null), nameof(maxDelayMilliseconds), RetryRules.MaxDelayMilliseconds, maxDelayMilliseconds);
        PolicyRules.ThrowIfInvalid(RetryRules.CheckBackoff((int)backoff), nameof(backoff), RetryRules.Backoff, backoff);
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

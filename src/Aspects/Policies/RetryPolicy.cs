using Aspects.Rules;

namespace Aspects.Policies;

/// <summary>
/// A named policy of <c>[Retry]</c> methods; an unset value keeps the attribute's. The handled exception
/// types (<see cref="RetryAttribute.Handle"/>) stay as compiled.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>Total attempts, the first one included; at least 1 (see <see cref="RetryAttribute.MaxAttempts"/>).</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Base delay before the first retry, in milliseconds; at least 0 (see <see cref="RetryAttribute.DelayMilliseconds"/>).</summary>
    public int? DelayMilliseconds { get; set; }

    /// <summary>Cap of any single delay, in milliseconds; at least 0 (see <see cref="RetryAttribute.MaxDelayMilliseconds"/>).</summary>
    public int? MaxDelayMilliseconds { get; set; }

    /// <summary>How delays grow (see <see cref="RetryAttribute.Backoff"/>).</summary>
    public RetryBackoff? Backoff { get; set; }

    /// <summary>Whether delays are randomized (see <see cref="RetryAttribute.Jitter"/>).</summary>
    public bool? Jitter { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        PolicyRules.Check(errors, path, RetryRules.MaxAttempts, MaxAttempts, MaxAttempts is { } attempts ? RetryRules.CheckMaxAttempts(attempts) : null);
        PolicyRules.Check(errors, path, RetryRules.DelayMilliseconds, DelayMilliseconds, DelayMilliseconds is { } delay ? RetryRules.CheckDelayMilliseconds(delay) : null);
        PolicyRules.Check(
            errors, path, RetryRules.MaxDelayMilliseconds, MaxDelayMilliseconds,
            MaxDelayMilliseconds is { } max ? RetryRules.CheckMaxDelayMilliseconds(max, DelayMilliseconds is >= 0 ? DelayMilliseconds : null) : null);
        PolicyRules.Check(errors, path, RetryRules.Backoff, Backoff, Backoff is { } backoff ? RetryRules.CheckBackoff((int)backoff) : null);
    }

    internal RetryPolicy Copy() => new()
    {
        MaxAttempts = MaxAttempts, DelayMilliseconds = DelayMilliseconds, MaxDelayMilliseconds = MaxDelayMilliseconds, Backoff = Backoff, Jitter = Jitter,
    };
}

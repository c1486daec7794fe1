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
        PolicyRules.AtLeast(errors, path, nameof(MaxAttempts), MaxAttempts, 1, "it counts every attempt including the first");
        PolicyRules.AtLeast(errors, path, nameof(DelayMilliseconds), DelayMilliseconds, 0, "a delay cannot be negative; use 0 to retry at once");
        PolicyRules.AtLeast(errors, path, nameof(MaxDelayMilliseconds), MaxDelayMilliseconds, 0, "a delay cannot be negative");
        if (MaxDelayMilliseconds is { } max && DelayMilliseconds is { } delay && max >= 0 && delay > max)
        {
            errors.Add(PolicyRules.Message(path, nameof(MaxDelayMilliseconds), max, $"it caps every delay, so it must be at least DelayMilliseconds ({delay})"));
        }

        if (Backoff is { } backoff && backoff is not (RetryBackoff.Constant or RetryBackoff.Linear or RetryBackoff.Exponential))
        {
            errors.Add(PolicyRules.Message(path, nameof(Backoff), backoff, "use Constant, Linear or Exponential"));
        }
    }

    internal RetryPolicy Copy() => new()
    {
        MaxAttempts = MaxAttempts, DelayMilliseconds = DelayMilliseconds, MaxDelayMilliseconds = MaxDelayMilliseconds, Backoff = Backoff, Jitter = Jitter,
    };
}

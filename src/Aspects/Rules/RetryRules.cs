namespace Aspects.Rules;

/// <summary>
/// The names, defaults and rules of the <c>[Retry]</c> settings, written once: compiled into the runtime
/// (<c>RetryAttribute</c>, <c>RetryPolicy</c>, <c>RetrySettings</c>) and into the generator (<c>RetryParser</c>).
/// </summary>
internal static class RetryRules
{
    /// <summary>The setting of the total number of attempts, the first one included.</summary>
    public const string MaxAttempts = "MaxAttempts";

    /// <summary>The setting of the base delay before the first retry, in milliseconds.</summary>
    public const string DelayMilliseconds = "DelayMilliseconds";

    /// <summary>The setting of the cap of any single delay, in milliseconds.</summary>
    public const string MaxDelayMilliseconds = "MaxDelayMilliseconds";

    /// <summary>The setting of how delays grow (a <c>RetryBackoff</c>).</summary>
    public const string Backoff = "Backoff";

    /// <summary>The setting of whether delays are randomized.</summary>
    public const string Jitter = "Jitter";

    /// <summary>Three attempts: the first and two retries (Polly's <c>MaxRetryAttempts = 2</c>).</summary>
    public const int DefaultMaxAttempts = 3;

    /// <summary>200 ms before the first retry.</summary>
    public const int DefaultDelayMilliseconds = 200;

    /// <summary>No single delay longer than 30 s.</summary>
    public const int DefaultMaxDelayMilliseconds = 30_000;

    /// <summary><c>RetryBackoff.Exponential</c>, as an index into <see cref="BackoffNames"/> (the enum's value).</summary>
    public const int DefaultBackoff = 2;

    /// <summary>Delays are randomized by default.</summary>
    public const bool DefaultJitter = true;

    /// <summary>The members of <c>RetryBackoff</c> in declaration order: a member's value is its index here.</summary>
    public static readonly IReadOnlyList<string> BackoffNames = ["Constant", "Linear", "Exponential"];

    /// <summary>The choices of <see cref="Backoff"/> in words: <c>Constant, Linear or Exponential</c>.</summary>
    public static readonly string BackoffChoices =
        string.Join(", ", BackoffNames.Take(BackoffNames.Count - 1)) + " or " + BackoffNames[BackoffNames.Count - 1];

    /// <summary>Why <paramref name="value"/> cannot be <see cref="MaxAttempts"/>, or <see langword="null"/> when it can.</summary>
    public static string? CheckMaxAttempts(int value) =>
        value < 1 ? "it counts every attempt including the first, so it must be at least 1" : null;

    /// <summary>Why <paramref name="value"/> cannot be <see cref="DelayMilliseconds"/>, or <see langword="null"/> when it can.</summary>
    public static string? CheckDelayMilliseconds(int value) =>
        value < 0 ? "a delay cannot be negative; use 0 to retry at once" : null;

    /// <summary>
    /// Why <paramref name="value"/> cannot be <see cref="MaxDelayMilliseconds"/> beside <paramref name="delayMilliseconds"/>
    /// (<see langword="null"/> when the base delay is not known, e.g. a policy that leaves it to the attribute), or
    /// <see langword="null"/> when it can.
    /// </summary>
    public static string? CheckMaxDelayMilliseconds(int value, int? delayMilliseconds) =>
        value < 0 ? "a delay cannot be negative"
        : value < delayMilliseconds ? "it caps every delay, so it must be at least DelayMilliseconds (" + delayMilliseconds.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")"
        : null;

    /// <summary>Why <paramref name="value"/> (a <c>RetryBackoff</c>'s value) cannot be <see cref="Backoff"/>, or <see langword="null"/> when it can.</summary>
    public static string? CheckBackoff(int value) =>
        value < 0 || value >= BackoffNames.Count ? "use " + BackoffChoices : null;
}

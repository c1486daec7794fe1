namespace Aspects.Generators.Model;

/// <summary>The <c>[Retry]</c> settings of a method, already validated.</summary>
/// <param name="MaxAttempts">Total attempts.</param>
/// <param name="DelayMilliseconds">Base delay.</param>
/// <param name="MaxDelayMilliseconds">Cap of one delay.</param>
/// <param name="Backoff">The <c>RetryBackoff</c> value: an index into <see cref="Aspects.Rules.RetryRules.BackoffNames"/>.</param>
/// <param name="Jitter">Whether delays are randomized.</param>
/// <param name="Handle">Fully qualified exception types; empty means the transient ones.</param>
/// <param name="Policy">The named policy that overrides the values at run time, or <see langword="null"/>.</param>
internal sealed record RetryModel(
    int MaxAttempts,
    int DelayMilliseconds,
    int MaxDelayMilliseconds,
    int Backoff,
    bool Jitter,
    EquatableArray<string> Handle,
    string? Policy = null);

namespace Aspects.Generators.Model;

/// <summary>The <c>[Retry]</c> settings of a method, already validated.</summary>
/// <param name="MaxAttempts">Total attempts.</param>
/// <param name="DelayMilliseconds">Base delay.</param>
/// <param name="MaxDelayMilliseconds">Cap of one delay.</param>
/// <param name="Backoff">The <c>RetryBackoff</c> value: an index into <see cref="Aspects.Rules.RetryRules.BackoffNames"/>.</param>
/// <param name="Jitter">Whether delays are randomized.</param>
/// <param name="Handle">The exception types to retry; empty means the transient ones.</param>
/// <param name="Policy">The named policy that overrides the values at run time, or <see langword="null"/>.</param>
internal sealed record RetryModel(
    int MaxAttempts,
    int DelayMilliseconds,
    int MaxDelayMilliseconds,
    int Backoff,
    bool Jitter,
    EquatableArray<HandledException> Handle,
    string? Policy = null);

/// <summary>An exception type a <c>[Retry]</c> method handles.</summary>
/// <param name="Type">The <c>global::</c>-qualified name, for generated code.</param>
/// <param name="Name">The namespace-qualified name without <c>global::</c>, for the comment a person reads.</param>
internal sealed record HandledException(string Type, string Name);

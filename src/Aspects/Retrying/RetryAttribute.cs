using Aspects.Rules;

namespace Aspects;

/// <summary>
/// Retries the method when an attempt fails with a handled exception. Put it on a <c>partial</c>
/// method and write the body in <c>{Name}Core</c> (<c>GetAsync</c> → <c>GetCoreAsync</c>); the
/// generator emits the retry loop.
/// </summary>
/// <remarks>
/// A cancellation the caller asked for (through the method's <see cref="CancellationToken"/>) is
/// never retried. Waits use the runtime's <see cref="AspectRuntime.TimeProvider"/>. Synchronous
/// methods are supported: their waits block the calling thread.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RetryAttribute : Attribute
{
    /// <summary>Total number of attempts, the first one included; at least 1. Default 3.</summary>
    public int MaxAttempts { get; set; } = RetryRules.DefaultMaxAttempts;

    /// <summary>Base delay before the first retry, in milliseconds; at least 0. Default 200.</summary>
    public int DelayMilliseconds { get; set; } = RetryRules.DefaultDelayMilliseconds;

    /// <summary>Upper bound of any single delay, in milliseconds; at least <see cref="DelayMilliseconds"/>. Default 30000.</summary>
    public int MaxDelayMilliseconds { get; set; } = RetryRules.DefaultMaxDelayMilliseconds;

    /// <summary>How the delay grows from one retry to the next. Default <see cref="RetryBackoff.Exponential"/>.</summary>
    public RetryBackoff Backoff { get; set; } = (RetryBackoff)RetryRules.DefaultBackoff;

    /// <summary>
    /// Whether delays are randomized so that many clients do not retry in lockstep. Exponential
    /// backoff uses decorrelated jitter (as Polly v8 does); constant and linear add up to 50%. Default <see langword="true"/>.
    /// </summary>
    public bool Jitter { get; set; } = RetryRules.DefaultJitter;

    /// <summary>
    /// Exception types that trigger a retry (derived types included). Empty — the default — means the
    /// transient ones: see <see cref="Retrying.TransientExceptions"/> and
    /// <see cref="AspectRuntimeOptions.TransientExceptionClassifiers"/>.
    /// </summary>
    public Type[] Handle { get; set; } = [];

    /// <summary>
    /// The name of a retry policy (<c>Aspects:Retry:{name}</c> in configuration, or
    /// <see cref="AspectRuntimeOptions.Policies"/>) whose values override <see cref="MaxAttempts"/>,
    /// <see cref="DelayMilliseconds"/>, <see cref="MaxDelayMilliseconds"/>, <see cref="Backoff"/> and
    /// <see cref="Jitter"/> at run time, the values written here being the defaults; reloads apply to the next call.
    /// <see cref="Handle"/> stays as compiled. <see langword="null"/> (the default): no policy.
    /// </summary>
    public string? Policy { get; set; }
}

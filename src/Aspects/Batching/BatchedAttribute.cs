using Aspects.Rules;

namespace Aspects;

/// <summary>
/// Collects concurrent single-key calls of the method into batches and runs the body once per batch.
/// Put it on a <c>partial</c> method taking one key (and optionally a <see cref="CancellationToken"/>)
/// and write the body in <c>{Name}Core</c> taking the whole batch:
/// <c>Task&lt;IReadOnlyDictionary&lt;TKey, TValue&gt;&gt; GetStockCoreAsync(IReadOnlyList&lt;TKey&gt; keys, CancellationToken ct)</c>.
/// </summary>
/// <remarks>
/// Batches are kept per method and, for instance methods, per instance (see <c>docs/batching.md</c>).
/// A batch is flushed when it holds <see cref="MaxBatchSize"/> distinct keys or
/// <see cref="MaxDelayMilliseconds"/> after its first call, whichever comes first. Duplicate keys in one
/// batch are loaded once; a key missing from the body's result yields <see langword="default"/> unless
/// <see cref="ThrowOnMissingKey"/> is set; a failed batch fails exactly its callers; a caller's
/// cancellation removes only that caller. The runtime is <see cref="Batching.MicroBatcher{TKey, TValue}"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BatchedAttribute : Attribute
{
    /// <summary>The most distinct keys one batch holds; at least 1. Default 100.</summary>
    public int MaxBatchSize { get; set; } = BatchingRules.DefaultMaxBatchSize;

    /// <summary>
    /// How long the first call of a batch waits for company, in milliseconds; at least 0. Default 2.
    /// 0 flushes the batch on the next turn of the thread pool, so only calls made in the same burst join it.
    /// </summary>
    public int MaxDelayMilliseconds { get; set; } = BatchingRules.DefaultMaxDelayMilliseconds;

    /// <summary>
    /// Whether a key missing from the body's result fails its callers with <see cref="KeyNotFoundException"/>.
    /// Default <see langword="false"/>: a missing key yields <see langword="default"/> (<see langword="null"/> for reference types).
    /// </summary>
    public bool ThrowOnMissingKey { get; set; } = BatchingRules.DefaultThrowOnMissingKey;

    /// <summary>
    /// The name of a policy (<c>Aspects:Batching:{name}</c> in configuration, or <see cref="AspectRuntimeOptions.Policies"/>)
    /// whose values override <see cref="MaxBatchSize"/>, <see cref="MaxDelayMilliseconds"/> and <see cref="ThrowOnMissingKey"/> at run time, the values written here being the defaults; a reload applies to batches opened afterwards.
    /// <see langword="null"/> (the default): no policy. A name nothing defines logs a warning once and uses these values.
    /// </summary>
    public string? Policy { get; set; }
}

using Aspects.Rules;

namespace Aspects.Policies;

/// <summary>
/// The settings of a <see cref="Batching.MicroBatcher{TKey, TValue}"/>: for a <c>[Batched]</c> method, its attribute's
/// values merged with its policy. Immutable and validated by the constructor.
/// </summary>
public sealed class BatchingSettings
{
    /// <summary>Creates validated settings; every value left out takes its default.</summary>
    /// <param name="maxBatchSize">
    /// The most distinct keys one batch holds; a batch reaching it is flushed at once. At least 1. Default 100.
    /// </param>
    /// <param name="maxDelayMilliseconds">
    /// How long the first call of a batch waits for company before the batch is flushed, in milliseconds; at least 0.
    /// Default 2. 0 flushes on the next turn of the thread pool, so only calls made in the same burst join the batch.
    /// </param>
    /// <param name="throwOnMissingKey">
    /// Whether a key missing from the load's result fails its callers with <see cref="KeyNotFoundException"/>. Default
    /// <see langword="false"/>: a missing key yields <see langword="default"/> (<see langword="null"/> for reference types).
    /// </param>
    /// <param name="maxConcurrentBatches">
    /// The most loads of one batcher running at once; at least 1. Default 16. Full batches beyond it wait in a queue
    /// instead of piling more work onto a struggling backend.
    /// </param>
    /// <param name="maxQueuedBatches">
    /// The most flushed batches waiting for a free load slot; at least 1. Default 1024. When the queue is full, a call
    /// that would need a new batch fails at once with <see cref="Batching.MicroBatcherOverloadedException"/>, so under
    /// overload a batcher holds at most (<paramref name="maxConcurrentBatches"/> + <paramref name="maxQueuedBatches"/> + 1)
    /// × <paramref name="maxBatchSize"/> distinct keys.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the setting and says why.</exception>
    public BatchingSettings(
        int maxBatchSize = BatchingRules.DefaultMaxBatchSize,
        int maxDelayMilliseconds = BatchingRules.DefaultMaxDelayMilliseconds,
        bool throwOnMissingKey = BatchingRules.DefaultThrowOnMissingKey,
        int maxConcurrentBatches = BatchingRules.DefaultMaxConcurrentBatches,
        int maxQueuedBatches = BatchingRules.DefaultMaxQueuedBatches)
    {
        PolicyRules.ThrowIfInvalid(BatchingRules.CheckMaxBatchSize(maxBatchSize), nameof(maxBatchSize), BatchingRules.MaxBatchSize, maxBatchSize);
        PolicyRules.ThrowIfInvalid(
            BatchingRules.CheckMaxDelayMilliseconds(maxDelayMilliseconds), nameof(maxDelayMilliseconds), BatchingRules.MaxDelayMilliseconds, maxDelayMilliseconds);
        PolicyRules.ThrowIfInvalid(
            BatchingRules.CheckMaxConcurrentBatches(maxConcurrentBatches), nameof(maxConcurrentBatches), BatchingRules.MaxConcurrentBatches, maxConcurrentBatches);
        PolicyRules.ThrowIfInvalid(BatchingRules.CheckMaxQueuedBatches(maxQueuedBatches), nameof(maxQueuedBatches), BatchingRules.MaxQueuedBatches, maxQueuedBatches);
        MaxBatchSize = maxBatchSize;
        MaxDelayMilliseconds = maxDelayMilliseconds;
        MaxDelay = TimeSpan.FromMilliseconds(maxDelayMilliseconds);
        ThrowOnMissingKey = throwOnMissingKey;
        MaxConcurrentBatches = maxConcurrentBatches;
        MaxQueuedBatches = maxQueuedBatches;
    }

    /// <summary>The most distinct keys one batch holds.</summary>
    public int MaxBatchSize { get; }

    /// <summary>How long the first call of a batch waits for company, in milliseconds.</summary>
    public int MaxDelayMilliseconds { get; }

    /// <summary>Whether a key missing from the load's result fails its callers.</summary>
    public bool ThrowOnMissingKey { get; }

    /// <summary>The most batch loads running at once.</summary>
    public int MaxConcurrentBatches { get; }

    /// <summary>The most flushed batches waiting for a load slot.</summary>
    public int MaxQueuedBatches { get; }

    /// <summary><see cref="MaxDelayMilliseconds"/> as the batcher's timers take it.</summary>
    internal TimeSpan MaxDelay { get; }

    internal BatchingSettings With(BatchingPolicy policy) => new(
        policy.MaxBatchSize ?? MaxBatchSize,
        policy.MaxDelayMilliseconds ?? MaxDelayMilliseconds,
        policy.ThrowOnMissingKey ?? ThrowOnMissingKey,
        policy.MaxConcurrentBatches ?? MaxConcurrentBatches,
        policy.MaxQueuedBatches ?? MaxQueuedBatches);

    internal bool SameAs(BatchingSettings other) =>
        MaxBatchSize == other.MaxBatchSize && MaxDelayMilliseconds == other.MaxDelayMilliseconds && ThrowOnMissingKey == other.ThrowOnMissingKey
        && MaxConcurrentBatches == other.MaxConcurrentBatches && MaxQueuedBatches == other.MaxQueuedBatches;
}

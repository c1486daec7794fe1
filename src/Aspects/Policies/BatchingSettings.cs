using Aspects.Batching;

namespace Aspects.Policies;

/// <summary>The effective settings of a <c>[Batched]</c> method: its attribute merged with its policy. Immutable.</summary>
public sealed class BatchingSettings
{
    /// <summary>Creates validated settings.</summary>
    /// <param name="maxBatchSize">The most distinct keys per batch; at least 1.</param>
    /// <param name="maxDelayMilliseconds">How long a batch waits for company; at least 0.</param>
    /// <param name="throwOnMissingKey">Whether a missing key fails its callers.</param>
    /// <param name="maxConcurrentBatches">The most loads at once; at least 1.</param>
    /// <param name="maxQueuedBatches">The most batches waiting for a load slot; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public BatchingSettings(int maxBatchSize, int maxDelayMilliseconds, bool throwOnMissingKey, int maxConcurrentBatches = 16, int maxQueuedBatches = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDelayMilliseconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentBatches, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueuedBatches, 1);
        MaxBatchSize = maxBatchSize;
        MaxDelayMilliseconds = maxDelayMilliseconds;
        ThrowOnMissingKey = throwOnMissingKey;
        MaxConcurrentBatches = maxConcurrentBatches;
        MaxQueuedBatches = maxQueuedBatches;
    }

    /// <summary>The most distinct keys one batch holds.</summary>
    public int MaxBatchSize { get; }

    /// <summary>How long the first call of a batch waits for company, in milliseconds.</summary>
    public int MaxDelayMilliseconds { get; }

    /// <summary>Whether a key missing from the body's result fails its callers.</summary>
    public bool ThrowOnMissingKey { get; }

    /// <summary>The most batch loads running at once.</summary>
    public int MaxConcurrentBatches { get; }

    /// <summary>The most flushed batches waiting for a load slot.</summary>
    public int MaxQueuedBatches { get; }

    /// <summary>These settings as batcher options.</summary>
    /// <returns>New options.</returns>
    public MicroBatcherOptions ToOptions() => new()
    {
        MaxBatchSize = MaxBatchSize,
        MaxDelay = TimeSpan.FromMilliseconds(MaxDelayMilliseconds),
        ThrowOnMissingKey = ThrowOnMissingKey,
        MaxConcurrentBatches = MaxConcurrentBatches,
        MaxQueuedBatches = MaxQueuedBatches,
    };

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

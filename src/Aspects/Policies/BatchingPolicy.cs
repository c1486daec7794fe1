namespace Aspects.Policies;

/// <summary>A named policy of <c>[Batched]</c> methods; an unset value keeps the attribute's (or the batcher's default).</summary>
public sealed class BatchingPolicy
{
    /// <summary>The most distinct keys one batch holds; at least 1 (see <see cref="BatchedAttribute.MaxBatchSize"/>).</summary>
    public int? MaxBatchSize { get; set; }

    /// <summary>How long a batch waits for company, in milliseconds; at least 0 (see <see cref="BatchedAttribute.MaxDelayMilliseconds"/>).</summary>
    public int? MaxDelayMilliseconds { get; set; }

    /// <summary>Whether a key missing from the body's result fails its callers (see <see cref="BatchedAttribute.ThrowOnMissingKey"/>).</summary>
    public bool? ThrowOnMissingKey { get; set; }

    /// <summary>The most batch loads running at once; at least 1 (see <see cref="Batching.MicroBatcherOptions.MaxConcurrentBatches"/>).</summary>
    public int? MaxConcurrentBatches { get; set; }

    /// <summary>The most flushed batches waiting for a load slot; at least 1 (see <see cref="Batching.MicroBatcherOptions.MaxQueuedBatches"/>).</summary>
    public int? MaxQueuedBatches { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        PolicyRules.AtLeast(errors, path, nameof(MaxBatchSize), MaxBatchSize, 1, "a batch holds at least 1 key");
        PolicyRules.AtLeast(errors, path, nameof(MaxDelayMilliseconds), MaxDelayMilliseconds, 0, "a delay cannot be negative; use 0 to flush on the next turn of the thread pool");
        PolicyRules.AtLeast(errors, path, nameof(MaxConcurrentBatches), MaxConcurrentBatches, 1, "at least one load must be able to run");
        PolicyRules.AtLeast(errors, path, nameof(MaxQueuedBatches), MaxQueuedBatches, 1, "at least one batch must be able to wait");
    }

    internal BatchingPolicy Copy() => new()
    {
        MaxBatchSize = MaxBatchSize, MaxDelayMilliseconds = MaxDelayMilliseconds, ThrowOnMissingKey = ThrowOnMissingKey,
        MaxConcurrentBatches = MaxConcurrentBatches, MaxQueuedBatches = MaxQueuedBatches,
    };
}

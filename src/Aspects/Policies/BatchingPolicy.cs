using Aspects.Rules;

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

    /// <summary>The most batch loads running at once; at least 1 (see <see cref="BatchingSettings.MaxConcurrentBatches"/>).</summary>
    public int? MaxConcurrentBatches { get; set; }

    /// <summary>The most flushed batches waiting for a load slot; at least 1 (see <see cref="BatchingSettings.MaxQueuedBatches"/>).</summary>
    public int? MaxQueuedBatches { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        PolicyRules.Check(errors, path, BatchingRules.MaxBatchSize, MaxBatchSize, MaxBatchSize is { } size ? BatchingRules.CheckMaxBatchSize(size) : null);
        PolicyRules.Check(errors, path, BatchingRules.MaxDelayMilliseconds, MaxDelayMilliseconds, MaxDelayMilliseconds is { } delay ? BatchingRules.CheckMaxDelayMilliseconds(delay) : null);
        PolicyRules.Check(errors, path, BatchingRules.MaxConcurrentBatches, MaxConcurrentBatches, MaxConcurrentBatches is { } loads ? BatchingRules.CheckMaxConcurrentBatches(loads) : null);
        PolicyRules.Check(errors, path, BatchingRules.MaxQueuedBatches, MaxQueuedBatches, MaxQueuedBatches is { } queued ? BatchingRules.CheckMaxQueuedBatches(queued) : null);
    }

    internal BatchingPolicy Copy() => new()
    {
        MaxBatchSize = MaxBatchSize, MaxDelayMilliseconds = MaxDelayMilliseconds, ThrowOnMissingKey = ThrowOnMissingKey,
        MaxConcurrentBatches = MaxConcurrentBatches, MaxQueuedBatches = MaxQueuedBatches,
    };
}

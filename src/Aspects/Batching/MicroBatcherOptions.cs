namespace Aspects.Batching;

/// <summary>Settings of a <see cref="MicroBatcher{TKey, TValue}"/>; read once by its constructor, which validates them.</summary>
public sealed class MicroBatcherOptions
{
    /// <summary>The largest <see cref="MaxDelay"/> accepted: what a timer can wait for.</summary>
    public static readonly TimeSpan MaxDelayLimit = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>
    /// The most distinct keys one batch holds; a batch reaching it is flushed at once. At least 1. Default 100.
    /// Callers asking for a key already in the batch join it without making it larger.
    /// </summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>
    /// How long the first call of a batch waits for company before the batch is flushed; between
    /// <see cref="TimeSpan.Zero"/> and <see cref="MaxDelayLimit"/>. Default 2 ms. <see cref="TimeSpan.Zero"/>
    /// flushes on the next turn of the thread pool, so only calls made in the same burst join the batch.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Whether a key missing from the load's result fails its callers with <see cref="KeyNotFoundException"/>.
    /// Default <see langword="false"/>: a missing key yields <see langword="default"/> (<see langword="null"/> for reference types).
    /// </summary>
    public bool ThrowOnMissingKey { get; set; }

    /// <summary>
    /// The most loads of this batcher running at once; at least 1. Default 16. Full batches beyond it
    /// wait in a queue (see <see cref="MaxQueuedBatches"/>) instead of piling more work onto a struggling backend.
    /// </summary>
    public int MaxConcurrentBatches { get; set; } = 16;

    /// <summary>
    /// The most flushed batches waiting for a free load slot; at least 1. Default 1024. When the queue is full,
    /// a call that would need a new batch fails at once with <see cref="MicroBatcherOverloadedException"/>, so
    /// under overload the batcher holds at most
    /// (<see cref="MaxConcurrentBatches"/> + <see cref="MaxQueuedBatches"/> + 1) × <see cref="MaxBatchSize"/> distinct keys.
    /// </summary>
    public int MaxQueuedBatches { get; set; } = 1024;
}

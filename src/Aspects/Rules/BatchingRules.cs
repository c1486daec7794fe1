namespace Aspects.Rules;

/// <summary>
/// The names, defaults and rules of the <c>[Batched]</c> settings, written once for the attribute, the generator's
/// parser, <c>BatchingPolicy</c> (configuration) and <c>BatchingSettings</c> (the batcher's effective values).
/// </summary>
internal static class BatchingRules
{
    /// <summary>The setting (attribute property, policy key) of the most distinct keys per batch.</summary>
    public const string MaxBatchSize = "MaxBatchSize";

    /// <summary>The setting of how long a batch waits for company, in milliseconds.</summary>
    public const string MaxDelayMilliseconds = "MaxDelayMilliseconds";

    /// <summary>The setting of whether a key missing from the load's result fails its callers.</summary>
    public const string ThrowOnMissingKey = "ThrowOnMissingKey";

    /// <summary>The setting of the most loads running at once (runtime and configuration only).</summary>
    public const string MaxConcurrentBatches = "MaxConcurrentBatches";

    /// <summary>The setting of the most flushed batches waiting for a load slot (runtime and configuration only).</summary>
    public const string MaxQueuedBatches = "MaxQueuedBatches";

    /// <summary>The default of <see cref="MaxBatchSize"/>.</summary>
    public const int DefaultMaxBatchSize = 100;

    /// <summary>The default of <see cref="MaxDelayMilliseconds"/>.</summary>
    public const int DefaultMaxDelayMilliseconds = 2;

    /// <summary>The default of <see cref="ThrowOnMissingKey"/>: a missing key yields <see langword="default"/>.</summary>
    public const bool DefaultThrowOnMissingKey = false;

    /// <summary>The default of <see cref="MaxConcurrentBatches"/>.</summary>
    public const int DefaultMaxConcurrentBatches = 16;

    /// <summary>The default of <see cref="MaxQueuedBatches"/>.</summary>
    public const int DefaultMaxQueuedBatches = 1024;

    /// <summary>Why <paramref name="value"/> is not a valid <see cref="MaxBatchSize"/>, or <see langword="null"/> when it is.</summary>
    public static string? CheckMaxBatchSize(int value) =>
        value < 1 ? "a batch holds at least 1 key, so it must be at least 1" : null;

    /// <summary>Why <paramref name="value"/> is not a valid <see cref="MaxDelayMilliseconds"/>, or <see langword="null"/> when it is.</summary>
    public static string? CheckMaxDelayMilliseconds(int value) =>
        value < 0 ? "a delay cannot be negative, so it must be at least 0; use 0 to flush on the next turn of the thread pool" : null;

    /// <summary>Why <paramref name="value"/> is not a valid <see cref="MaxConcurrentBatches"/>, or <see langword="null"/> when it is.</summary>
    public static string? CheckMaxConcurrentBatches(int value) =>
        value < 1 ? "at least one load must be able to run, so it must be at least 1" : null;

    /// <summary>Why <paramref name="value"/> is not a valid <see cref="MaxQueuedBatches"/>, or <see langword="null"/> when it is.</summary>
    public static string? CheckMaxQueuedBatches(int value) =>
        value < 1 ? "at least one batch must be able to wait, so it must be at least 1" : null;
}

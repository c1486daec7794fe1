namespace Aspects.Batching;

/// <summary>
/// Thrown by <see cref="MicroBatcher{TKey, TValue}.GetAsync"/> when <see cref="Policies.BatchingSettings.MaxQueuedBatches"/>
/// flushed batches are already waiting for a load slot: the backend is slower than the callers, and queueing
/// more would only grow memory and latency. Shed load or raise the limits.
/// </summary>
public sealed class MicroBatcherOverloadedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public MicroBatcherOverloadedException()
        : base("The micro-batcher is overloaded.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What happened.</param>
    public MicroBatcherOverloadedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public MicroBatcherOverloadedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

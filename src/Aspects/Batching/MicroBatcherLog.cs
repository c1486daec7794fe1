using Microsoft.Extensions.Logging;

namespace Aspects.Batching;

/// <summary>Log messages of the micro-batcher (event IDs 3000–3099); keys (argument values) are never logged.</summary>
internal static partial class MicroBatcherLog
{
    [LoggerMessage(EventId = 3001, EventName = "BatchFailed", Level = LogLevel.Warning,
        Message = "Batch of {KeyCount} keys for {Method} failed; its {CallerCount} callers get the exception.")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string method, int keyCount, int callerCount);

    [LoggerMessage(EventId = 3002, EventName = "BatchOverloaded", Level = LogLevel.Warning,
        Message = "Micro-batcher for {Method} is overloaded: {QueuedBatches} batches wait for a load slot; the call is rejected.")]
    public static partial void Overloaded(ILogger logger, string method, int queuedBatches);

    [LoggerMessage(EventId = 3003, EventName = "BatchCancelCallbackFailed", Level = LogLevel.Error,
        Message = "Cancelling the batch of {Method} after all its callers cancelled threw from a callback of the load.")]
    public static partial void CancelCallbackFailed(ILogger logger, Exception exception, string method);
}

using Microsoft.Extensions.Logging;

namespace Aspects.Caching;

/// <summary>The cache's log messages; argument values (which may be personal data) are never logged.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 3001, EventName = "CacheL2Failed", Level = LogLevel.Warning,
        Message = "The L2 cache failed during {Operation} for {Method}; the call falls back to memory and the method body.")]
    public static partial void L2Failed(ILogger logger, string method, string operation, Exception exception);

    [LoggerMessage(EventId = 3002, EventName = "CacheBackplanePublishFailed", Level = LogLevel.Warning,
        Message = "The cache backplane failed to publish an invalidation of {Target}; other nodes keep their local copies until their local lifetime ends.")]
    public static partial void BackplanePublishFailed(ILogger logger, string target, Exception exception);

    [LoggerMessage(EventId = 3003, EventName = "CacheBackplaneSubscribeFailed", Level = LogLevel.Warning,
        Message = "The cache backplane could not subscribe; this node misses other nodes' invalidations until it does.")]
    public static partial void BackplaneSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, EventName = "CacheDistributedStoreFailed", Level = LogLevel.Warning,
        Message = "The distributed cache store failed during {Operation}; treated as a miss (reads) or skipped (writes, removals).")]
    public static partial void DistributedStoreFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 3005, EventName = "CacheBackplaneHandlerFailed", Level = LogLevel.Error,
        Message = "Applying an invalidation received from the cache backplane failed.")]
    public static partial void BackplaneHandlerFailed(ILogger logger, Exception exception);
}

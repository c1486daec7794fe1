using Microsoft.Extensions.Logging;

namespace Aspects.Caching;

/// <summary>
/// The cache's log messages (event IDs 1000–1099, documented in docs/telemetry.md); argument values (which may be
/// personal data) are never logged. Shared with Aspects.Redis for its distributed store.
/// </summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 1001, EventName = "CacheL2Failed", Level = LogLevel.Warning,
        Message = "The L2 cache failed during {Operation} for {Method}; calls fall back to memory and the method body. " +
            "{Unreported} failures since the previous warning were not logged (one warning per outage every 30 s).")]
    public static partial void L2Failed(ILogger logger, string method, string operation, int unreported, Exception exception);

    [LoggerMessage(EventId = 1002, EventName = "CacheBackplanePublishFailed", Level = LogLevel.Warning,
        Message = "The cache backplane failed to publish an invalidation of {Target}; other nodes keep their local copies until their local lifetime ends. " +
            "{Unreported} failures since the previous warning were not logged (one warning per outage every 30 s).")]
    public static partial void BackplanePublishFailed(ILogger logger, string target, int unreported, Exception exception);

    [LoggerMessage(EventId = 1003, EventName = "CacheBackplaneSubscribeFailed", Level = LogLevel.Warning,
        Message = "The cache backplane could not subscribe; this node misses other nodes' invalidations until it does.")]
    public static partial void BackplaneSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1004, EventName = "CacheDistributedStoreFailed", Level = LogLevel.Warning,
        Message = "The distributed cache store failed during {Operation}; treated as a miss (reads) or skipped (writes, removals). " +
            "{Unreported} failures since the previous warning were not logged (one warning per outage every 30 s).")]
    public static partial void DistributedStoreFailed(ILogger logger, string operation, int unreported, Exception exception);

    [LoggerMessage(EventId = 1005, EventName = "CacheBackplaneHandlerFailed", Level = LogLevel.Error,
        Message = "Applying an invalidation received from the cache backplane failed.")]
    public static partial void BackplaneHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, EventName = "CacheL2Recovered", Level = LogLevel.Information,
        Message = "The L2 cache works again after {Failures} failed operations.")]
    public static partial void L2Recovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 1007, EventName = "CacheBackplaneRecovered", Level = LogLevel.Information,
        Message = "The cache backplane publishes again after {Failures} failed operations.")]
    public static partial void BackplaneRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 1008, EventName = "CacheDistributedStoreRecovered", Level = LogLevel.Information,
        Message = "The distributed cache store works again after {Failures} failed operations.")]
    public static partial void DistributedStoreRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 1009, EventName = "CacheL2EntryUnreadable", Level = LogLevel.Warning,
        Message = "An L2 entry of {Method} could not be read (another format, corrupt bytes or another Redis type); it was treated as a miss " +
            "and is overwritten with the body's result. {Unreported} such entries since the previous warning were not logged (at most one warning every 30 s).")]
    public static partial void L2EntryUnreadable(ILogger logger, string method, int unreported);
}

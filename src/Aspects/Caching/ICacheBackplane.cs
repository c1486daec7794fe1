namespace Aspects.Caching;

/// <summary>
/// Carries cache invalidations between the nodes of an application, so that every node drops its
/// in-process (L1) copy when one node evicts an entry or a tag. <c>Aspects.Redis</c> implements it
/// with Redis pub/sub.
/// </summary>
/// <remarks>
/// Delivery is best effort (pub/sub does not queue for nodes that are disconnected). A backplane that may have
/// missed messages (its connection came back) hands its own node's handler a <see cref="CacheInvalidationKind.All"/>
/// invalidation, which drops every L1 copy of that node; until then the L1 lifetime
/// (<see cref="CachedAttribute.LocalDurationSeconds"/>) bounds how long a node that missed a message serves the
/// old value. The L2 needs no message to be right (see docs/caching.md#guarantees).
/// </remarks>
public interface ICacheBackplane
{
    /// <summary>Sends <paramref name="invalidation"/> to every subscribed node, the sender included.</summary>
    /// <param name="invalidation">What to evict.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message has been handed to the transport.</returns>
    ValueTask PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="handler"/> for every invalidation published by any node until the result is disposed.</summary>
    /// <param name="handler">Called on a transport thread; must be quick and must not throw.</param>
    /// <returns>Disposing it ends the subscription.</returns>
    IDisposable Subscribe(Action<CacheInvalidation> handler);
}

using Aspects.Caching;
using StackExchange.Redis;

namespace Aspects.Redis.Caching;

/// <summary>
/// An <see cref="ICacheBackplane"/> over Redis pub/sub: every node publishes its invalidations on one
/// channel (<c>{prefix}:cache-invalidations</c>) and drops its L1 copies when another node's message arrives.
/// </summary>
/// <remarks>
/// Pub/sub is fire-and-forget: a node disconnected when a message is sent never sees it. So when the connection
/// that carries the subscription comes back (StackExchange.Redis then restores the subscription: the dedicated
/// <see cref="ConnectionType.Subscription"/> connection, or the interactive one when RESP3 pub/sub shares it through
/// <see cref="ConfigurationOptions.SharedSubscriptionConnection"/>), the backplane hands its own node
/// a <see cref="CacheInvalidationKind.All"/> invalidation: the node drops every L1 copy it holds, since any of
/// them may predate an eviction it missed, and reads them again from the L2 (whose eviction records make that
/// read right). It does so once when the connection is restored and once more after a round trip on the
/// subscription connection, so an L1 copy stored while the subscription was being restored is dropped too.
/// While the node is disconnected, its L1 copies live until their L1 lifetime ends
/// (<see cref="CachedAttribute.LocalDurationSeconds"/>). A restored interactive connection that carries no
/// subscription drops nothing: no message can have been missed on it.
/// </remarks>
public sealed class RedisCacheBackplane : ICacheBackplane
{
    private const char Separator = '\n';

    private readonly IConnectionMultiplexer _connection;
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Whether pub/sub may share the interactive connection (it does only under RESP3).
    private readonly bool _sharedSubscriptionConnection;

    /// <summary>Creates a backplane on <paramref name="connection"/>, which stays owned by the caller.</summary>
    /// <param name="connection">The application's shared multiplexer.</param>
    /// <param name="keyPrefix">The same prefix as <see cref="CacheOptions.KeyPrefix"/>; names the channel.</param>
    public RedisCacheBackplane(IConnectionMultiplexer connection, string keyPrefix = "aspects")
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _connection = connection;
        _subscriber = connection.GetSubscriber();
        _channel = RedisChannel.Literal(keyPrefix + ":cache-invalidations");
        _sharedSubscriptionConnection = connection.Configuration is { Length: > 0 } configuration
            && ConfigurationOptions.Parse(configuration, ignoreUnknown: true).SharedSubscriptionConnection;
    }

    /// <summary>Completes when the first subscription has been confirmed by the server (useful at startup and in tests).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <inheritdoc />
    public async ValueTask PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        if (invalidation.Kind == CacheInvalidationKind.All)
        {
            throw new ArgumentException($"{nameof(CacheInvalidationKind)}.{nameof(CacheInvalidationKind.All)} is handed to a backplane's own node, never published.", nameof(invalidation));
        }

        cancellationToken.ThrowIfCancellationRequested();
        await _subscriber.PublishAsync(_channel, Encode(invalidation)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<CacheInvalidation> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, handler);
        _connection.ConnectionRestored += subscription.OnConnectionRestored;
        _ = subscription.StartAsync();
        return subscription;
    }

    /// <summary>
    /// Whether a restored connection of <paramref name="type"/> to <paramref name="endPoint"/> carries this node's
    /// subscription, so messages may have been missed while it was down.
    /// </summary>
    internal bool CarriesSubscription(ConnectionType type, System.Net.EndPoint? endPoint)
    {
        if (type == ConnectionType.Subscription)
        {
            return true;
        }

        if (type != ConnectionType.Interactive || !_sharedSubscriptionConnection)
        {
            return false;
        }

        try
        {
            return endPoint is null || _connection.GetServer(endPoint).Protocol == RedisProtocol.Resp3;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or RedisException)
        {
            // The protocol cannot be told: dropping L1 copies is always safe, keeping them might not be.
            return true;
        }
    }

    internal static string Encode(CacheInvalidation invalidation) =>
        string.Concat(invalidation.Kind == CacheInvalidationKind.Tag ? "t" : "k", "\n", invalidation.Source, "\n", invalidation.MethodName, "\n", invalidation.Key);

    internal static CacheInvalidation? Decode(string? message)
    {
        // kind \n source \n method \n key — the key comes last because only it may contain newlines.
        if (message is null || message.Length < 2 || message[1] != Separator)
        {
            return null;
        }

        var kind = message[0] switch
        {
            't' => CacheInvalidationKind.Tag,
            'k' => CacheInvalidationKind.Key,
            _ => (CacheInvalidationKind)0,
        };
        var sourceEnd = message.IndexOf(Separator, 2);
        var methodEnd = sourceEnd < 0 ? -1 : message.IndexOf(Separator, sourceEnd + 1);
        if (kind == 0 || methodEnd < 0)
        {
            return null;
        }

        return new CacheInvalidation(kind, message[2..sourceEnd], message[(sourceEnd + 1)..methodEnd], message[(methodEnd + 1)..]);
    }

    private sealed class Subscription(RedisCacheBackplane backplane, Action<CacheInvalidation> handler) : IDisposable
    {
        private readonly Action<RedisChannel, RedisValue> _onMessage = (_, value) =>
        {
            if (Decode(value) is { } invalidation)
            {
                handler(invalidation);
            }
        };

        public void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
        {
            if (backplane.CarriesSubscription(e.ConnectionType, e.EndPoint))
            {
                _ = DropLocalCopiesAsync();
            }
        }

        public async Task StartAsync()
        {
            try
            {
                await backplane._subscriber.SubscribeAsync(backplane._channel, _onMessage).ConfigureAwait(false);
                backplane._subscribed.TrySetResult();
            }
            catch (Exception e)
            {
                backplane._subscribed.TrySetException(e);
            }
        }

        private async Task DropLocalCopiesAsync()
        {
            var everything = new CacheInvalidation(CacheInvalidationKind.All, string.Empty, string.Empty, string.Empty);
            handler(everything);
            try
            {
                // Answered after the subscription commands queued before it: messages published from then on arrive.
                await backplane._subscriber.PingAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection dropped again; the next restoration runs this again.
                return;
            }

            handler(everything);
        }

        public void Dispose()
        {
            backplane._connection.ConnectionRestored -= OnConnectionRestored;
            try
            {
                backplane._subscriber.Unsubscribe(backplane._channel, _onMessage, CommandFlags.FireAndForget);
            }
            catch (ObjectDisposedException)
            {
                // The application closed the connection first; the subscription went with it.
            }
        }
    }
}

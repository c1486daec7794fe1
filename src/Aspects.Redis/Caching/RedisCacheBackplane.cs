using Aspects.Caching;
using StackExchange.Redis;

namespace Aspects.Redis.Caching;

/// <summary>
/// An <see cref="ICacheBackplane"/> over Redis pub/sub: every node publishes its invalidations on one
/// channel (<c>{prefix}:cache-invalidations</c>) and drops its L1 copies when another node's message arrives.
/// </summary>
/// <remarks>
/// Pub/sub is fire-and-forget: a node disconnected when a message is sent never sees it, so its copy
/// lives until its L1 lifetime ends (<see cref="CachedAttribute.LocalDurationSeconds"/>). StackExchange.Redis
/// restores the subscription when the connection comes back.
/// </remarks>
public sealed class RedisCacheBackplane : ICacheBackplane
{
    private const char Separator = '\n';

    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a backplane on <paramref name="connection"/>, which stays owned by the caller.</summary>
    /// <param name="connection">The application's shared multiplexer.</param>
    /// <param name="keyPrefix">The same prefix as <see cref="CacheOptions.KeyPrefix"/>; names the channel.</param>
    public RedisCacheBackplane(IConnectionMultiplexer connection, string keyPrefix = "aspects")
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _subscriber = connection.GetSubscriber();
        _channel = RedisChannel.Literal(keyPrefix + ":cache-invalidations");
    }

    /// <summary>Completes when the first subscription has been confirmed by the server (useful at startup and in tests).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <inheritdoc />
    public async ValueTask PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        cancellationToken.ThrowIfCancellationRequested();
        await _subscriber.PublishAsync(_channel, Encode(invalidation)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<CacheInvalidation> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, handler);
        _ = subscription.StartAsync();
        return subscription;
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

        public void Dispose()
        {
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

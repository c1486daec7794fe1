using Aspects.Caching;

namespace Aspects.Tests.Caching;

/// <summary>A backplane that delivers every message synchronously to every subscriber, like a tiny pub/sub server.</summary>
public sealed class InMemoryBackplane : ICacheBackplane
{
    private readonly List<Action<CacheInvalidation>> _handlers = [];

    public List<CacheInvalidation> Published { get; } = [];

    public ValueTask PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default)
    {
        Action<CacheInvalidation>[] handlers;
        lock (_handlers)
        {
            Published.Add(invalidation);
            handlers = [.. _handlers];
        }

        foreach (var handler in handlers)
        {
            handler(invalidation);
        }

        return ValueTask.CompletedTask;
    }

    public IDisposable Subscribe(Action<CacheInvalidation> handler)
    {
        lock (_handlers)
        {
            _handlers.Add(handler);
        }

        return new Unsubscriber(this, handler);
    }

    private sealed class Unsubscriber(InMemoryBackplane backplane, Action<CacheInvalidation> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (backplane._handlers)
            {
                backplane._handlers.Remove(handler);
            }
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using Aspects.Caching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Aspects.Redis.Caching;

/// <summary>
/// Serializes the runtime's L2 entries (a header with the expiry and eviction stamp, then the result) in every
/// HybridCache that <see cref="RedisCacheSetup"/> builds. The result itself goes through whichever serializer the
/// HybridCache would have used for its type (a registered <see cref="IHybridCacheSerializer{T}"/>, else the
/// factories, last added first — a <see cref="JsonTypeInfoSerializerFactory"/> included, so NativeAOT keeps working),
/// so applications configure serialization for their own types only.
/// </summary>
internal sealed class L2EntrySerializerFactory(IServiceProvider services) : IHybridCacheSerializerFactory, IL2SerializerSource
{
    private IHybridCacheSerializerFactory[]? _others;

    public static void Register(IHybridCacheBuilder builder)
    {
        // Once, and last: HybridCache asks the factory added last first, and a later UseRedis call (with more
        // adjustments of the application's) moves it to the end again.
        var services = builder.Services;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHybridCacheSerializerFactory) && services[i].ImplementationFactory?.Method == CreateMethod)
            {
                services.RemoveAt(i);
            }
        }

        services.AddSingleton<IHybridCacheSerializerFactory>(Create);
    }

    private static readonly System.Reflection.MethodInfo CreateMethod = ((Func<IServiceProvider, L2EntrySerializerFactory>)Create).Method;

    private static L2EntrySerializerFactory Create(IServiceProvider services) => new(services);

    public bool TryCreateSerializer<T>([NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer) =>
        L2EntrySerializers.TryCreate(this, out serializer);

    public IHybridCacheSerializer<T>? Find<T>()
    {
        if (services.GetService<IHybridCacheSerializer<T>>() is { } registered)
        {
            return registered;
        }

        // The same order HybridCache uses: the factory added last is asked first.
        _others ??= [.. services.GetServices<IHybridCacheSerializerFactory>().Where(f => !ReferenceEquals(f, this)).Reverse()];
        foreach (var factory in _others)
        {
            if (factory.TryCreateSerializer<T>(out var serializer))
            {
                return serializer;
            }
        }

        return null;
    }
}

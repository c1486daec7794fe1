using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Redis.Caching;

/// <summary>
/// Serializes the L2 copies of cached values with System.Text.Json metadata from a resolver, typically a
/// source-generated <c>JsonSerializerContext</c>: no reflection, so the Redis tier works in trimmed and
/// NativeAOT applications. Types the resolver does not know fall back to HybridCache's other serializers.
/// </summary>
/// <example>
/// <code>
/// [JsonSerializable(typeof(Product))]
/// internal sealed partial class CacheJsonContext : JsonSerializerContext;
///
/// options.Cache.UseRedis(redis, hybridCache: h => h.AddSerializerFactory(new JsonTypeInfoSerializerFactory(CacheJsonContext.Default)));
/// </code>
/// </example>
public sealed class JsonTypeInfoSerializerFactory : IHybridCacheSerializerFactory
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Serializes with the metadata and options of a source-generated context.</summary>
    /// <param name="context">The context, e.g. <c>MyJsonContext.Default</c>; its <c>[JsonSourceGenerationOptions]</c> apply.</param>
    public JsonTypeInfoSerializerFactory(JsonSerializerContext context)
        : this((context ?? throw new ArgumentNullException(nameof(context))).Options)
    {
    }

    /// <summary>Serializes with <paramref name="options"/>, whose <see cref="JsonSerializerOptions.TypeInfoResolver"/> supplies the metadata.</summary>
    /// <param name="options">The options; their <see cref="JsonSerializerOptions.TypeInfoResolver"/> must be set.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> has no <see cref="JsonSerializerOptions.TypeInfoResolver"/>.</exception>
    public JsonTypeInfoSerializerFactory(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TypeInfoResolver is null)
        {
            throw new ArgumentException(
                "JsonSerializerOptions.TypeInfoResolver must be set (e.g. to a source-generated JsonSerializerContext) for the cache's L2 serializer.",
                nameof(options));
        }

        _options = options;
    }

    /// <inheritdoc />
    public bool TryCreateSerializer<T>([NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer)
    {
        serializer = _options.TryGetTypeInfo(typeof(T), out var typeInfo) && typeInfo is JsonTypeInfo<T> typed ? new Serializer<T>(typed) : null;
        return serializer is not null;
    }

    private sealed class Serializer<T>(JsonTypeInfo<T> typeInfo) : IHybridCacheSerializer<T>
    {
        public T Deserialize(ReadOnlySequence<byte> source)
        {
            var reader = new Utf8JsonReader(source);
            return JsonSerializer.Deserialize(ref reader, typeInfo)!;
        }

        public void Serialize(T value, IBufferWriter<byte> target)
        {
            using var writer = new Utf8JsonWriter(target);
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
    }
}

using System.Text.Json.Serialization;

namespace Aspects.Samples.Catalog.Data;

/// <summary>
/// System.Text.Json metadata, generated at build time, for every type the sample caches: with <c>--redis</c> the L2
/// copies are serialized through it (<see cref="Aspects.Redis.Caching.JsonTypeInfoSerializerFactory"/>), so the Redis
/// tier needs no reflection and works the same under NativeAOT. A new <c>[Cached]</c> return type goes here too.
/// </summary>
[JsonSerializable(typeof(Product))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;

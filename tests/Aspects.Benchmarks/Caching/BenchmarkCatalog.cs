using System.ComponentModel;

namespace Aspects.Benchmarks.Caching;

/// <summary>A product, as the catalogs below return it.</summary>
/// <remarks>Marked immutable so HybridCache hands out the cached instance instead of deserializing a copy per hit (its fastest path).</remarks>
[ImmutableObject(true)]
public sealed record Product(int Id, string Name, decimal Price);

/// <summary>What the hand-written caches and the proxy wrap.</summary>
public interface IProductSource
{
    /// <summary>A product by id.</summary>
    Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken = default);
}

/// <summary>The uncached body: a completed read, so the benchmarks measure the caches rather than a database.</summary>
public class ProductSource : IProductSource
{
    private static readonly Product Stored = new(42, "Product 42", 9.99m);

    /// <inheritdoc />
    public virtual Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken = default) =>
        Task.FromResult<Product?>(id == Stored.Id ? Stored : null);
}

/// <summary>The same read with <c>[Cached]</c>: the wrapper comes from the generator, as in an application.</summary>
public sealed partial class CachedCatalog(AspectRuntime aspects)
{
    private readonly ProductSource _source = new();

    /// <summary>A product by id, cached for 5 minutes.</summary>
    [Cached(DurationSeconds = 300)]
    public partial Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken = default);

    private Task<Product?> GetProductCoreAsync(int id, CancellationToken cancellationToken) =>
        _source.GetProductAsync(id, cancellationToken);
}

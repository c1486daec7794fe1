namespace Aspects.Samples.Catalog;

/// <summary>A product in the catalog.</summary>
public sealed record Product(int Id, string Name, decimal Price);

/// <summary>Products from a slow database, cached in process (and in Redis when configured).</summary>
public sealed partial class ProductCatalog(AspectRuntime aspects)
{
    private readonly Dictionary<int, decimal> _prices = [];
    private int _queries;

    /// <summary>How many times the database was asked.</summary>
    public int Queries => _queries;

    /// <summary>A product by id, cached for 5 minutes.</summary>
    [Cached(DurationSeconds = 300, Tags = ["products"])]
    [Retry(MaxAttempts = 3)]
    public partial Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken = default);

    /// <summary>Changes a price; the cached product is evicted once the change succeeded.</summary>
    [InvalidatesCache(nameof(GetProductAsync))]
    public partial Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken = default);

    private async Task<Product?> GetProductCoreAsync(int id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        await Task.Delay(40, cancellationToken); // a database round trip
        lock (_prices)
        {
            return id > 1000 ? null : new Product(id, $"Product {id}", _prices.GetValueOrDefault(id, 9.99m));
        }
    }

    private Task SetPriceCoreAsync(int id, decimal price, CancellationToken cancellationToken)
    {
        lock (_prices)
        {
            _prices[id] = price;
        }

        return Task.CompletedTask;
    }
}

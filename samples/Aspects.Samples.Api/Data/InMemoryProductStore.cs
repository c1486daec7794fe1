namespace Aspects.Samples.Api.Data;

/// <summary>
/// The default store: products in memory behind a simulated network round trip. The first query for each product
/// times out, as a cold database might, so that [Retry] visibly has work to do.
/// </summary>
public sealed class InMemoryProductStore(StoreCounters counters) : IProductStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, decimal> _prices = [];
    private readonly HashSet<int> _warm = [];

    /// <inheritdoc />
    public async Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken)
    {
        counters.ProductLoadStarted();
        await Task.Delay(5, cancellationToken);
        lock (_gate)
        {
            if (_warm.Add(id))
            {
                throw new TimeoutException($"simulated: the first query for product {id} timed out");
            }

            counters.ProductLoaded();
            return id is >= 1 and <= IProductStore.ProductCount
                ? new Product(id, $"SKU-{id:D4}", $"Product {id}", _prices.GetValueOrDefault(id, 5m + id % 40))
                : null;
        }
    }

    /// <inheritdoc />
    public async Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken)
    {
        await Task.Delay(5, cancellationToken);
        lock (_gate)
        {
            _prices[id] = price;
        }

        counters.PriceUpdated();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<int, int>> GetStockAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        counters.StockQueried(ids.Count);
        await Task.Delay(5, cancellationToken);
        var stock = new Dictionary<int, int>(ids.Count);
        foreach (var id in ids)
        {
            if (id is >= 1 and <= IProductStore.ProductCount)
            {
                stock[id] = id * 7 % 50;
            }
        }

        return stock;
    }
}

namespace Aspects.Samples.Catalog.Data;

/// <summary>
/// The default database: products in memory behind a simulated network (a few milliseconds a query) that times
/// out now and then, like a real one under load, so that [Retry] has work to do.
/// </summary>
public sealed class EmbeddedCatalogDatabase : ICatalogDatabase
{
    /// <summary>The share of queries that fail with a <see cref="TimeoutException"/>.</summary>
    public const double FaultRate = 0.02;

    private readonly Lock _gate = new();
    private readonly decimal[] _prices = new decimal[ICatalogDatabase.ProductCount + 1];
    private readonly int[] _stock = new int[ICatalogDatabase.ProductCount + 1];
    private readonly Random _random = new(42);

    /// <summary>Seeds the products.</summary>
    public EmbeddedCatalogDatabase()
    {
        for (var id = 1; id <= ICatalogDatabase.ProductCount; id++)
        {
            _prices[id] = 5m + (id % 40);
            _stock[id] = id * 7 % 50;
        }
    }

    /// <inheritdoc />
    public string Description => $"embedded (in memory, 1–4 ms a query, {FaultRate:P0} transient timeouts)";

    /// <inheritdoc />
    public async Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken)
    {
        await RoundTripAsync("SELECT … FROM products WHERE id = @id", cancellationToken);
        lock (_gate)
        {
            return id is >= 1 and <= ICatalogDatabase.ProductCount
                ? new Product(id, Product.SkuOf(id), $"Product {id}", _prices[id])
                : null;
        }
    }

    /// <inheritdoc />
    public async Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken)
    {
        await RoundTripAsync("UPDATE products SET price = @price WHERE id = @id", cancellationToken);
        lock (_gate)
        {
            if (id is >= 1 and <= ICatalogDatabase.ProductCount)
            {
                _prices[id] = price;
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<int, int>> GetStockAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        await RoundTripAsync("SELECT id, stock FROM products WHERE id = ANY(@ids)", cancellationToken);
        var stock = new Dictionary<int, int>(ids.Count);
        lock (_gate)
        {
            foreach (var id in ids)
            {
                if (id is >= 1 and <= ICatalogDatabase.ProductCount)
                {
                    stock[id] = _stock[id];
                }
            }
        }

        return stock;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task RoundTripAsync(string query, CancellationToken cancellationToken)
    {
        int latency;
        bool fails;
        lock (_gate)
        {
            latency = _random.Next(1, 5);
            fails = _random.NextDouble() < FaultRate;
        }

        await Task.Delay(latency, cancellationToken);
        if (fails)
        {
            throw new TimeoutException($"simulated database timeout: {query}");
        }
    }
}

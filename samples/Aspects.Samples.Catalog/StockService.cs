namespace Aspects.Samples.Catalog;

/// <summary>Stock levels: many single lookups become one query per batch.</summary>
public sealed partial class StockService(AspectRuntime aspects)
{
    private int _queries;

    /// <summary>How many batch queries ran.</summary>
    public int Queries => _queries;

    /// <summary>Fired with the keys of every batch query.</summary>
    public event Action<IReadOnlyList<int>>? Queried;

    /// <summary>The stock of one product; calls arriving within 5 ms share one query.</summary>
    [Batched(MaxBatchSize = 64, MaxDelayMilliseconds = 5)]
    public partial Task<int> GetStockAsync(int productId, CancellationToken cancellationToken = default);

    // In a real service: SELECT id, stock FROM products WHERE id = ANY(@ids)
    private Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        Queried?.Invoke(productIds);
        var stock = new Dictionary<int, int>(productIds.Count);
        foreach (var id in productIds)
        {
            if (id % 10 != 0) // products ending in 0 are discontinued: missing from the result
            {
                stock[id] = id * 7 % 50;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<int, int>>(stock);
    }
}

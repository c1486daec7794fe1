namespace Aspects.Samples.Api.Data;

/// <summary>
/// What reached the data store and the pricing API, as <c>GET /stats</c> shows it: the numbers that tell a cache hit
/// from a load, one batch query from many, and an accepted quote from a rejected one.
/// </summary>
public sealed class StoreCounters
{
    private long _productLoadAttempts;
    private long _productLoads;
    private long _priceUpdates;
    private long _stockQueries;
    private long _stockIds;
    private long _quoteCalls;

    /// <summary>Product queries started, failed ones included.</summary>
    public long ProductLoadAttempts => Interlocked.Read(ref _productLoadAttempts);

    /// <summary>Product queries that succeeded.</summary>
    public long ProductLoads => Interlocked.Read(ref _productLoads);

    /// <summary>Price updates written.</summary>
    public long PriceUpdates => Interlocked.Read(ref _priceUpdates);

    /// <summary>Stock queries run (one per batch).</summary>
    public long StockQueries => Interlocked.Read(ref _stockQueries);

    /// <summary>Ids asked for by all stock queries.</summary>
    public long StockIds => Interlocked.Read(ref _stockIds);

    /// <summary>Calls that reached the pricing API.</summary>
    public long QuoteCalls => Interlocked.Read(ref _quoteCalls);

    /// <summary>Counts a product query that started.</summary>
    public void ProductLoadStarted() => Interlocked.Increment(ref _productLoadAttempts);

    /// <summary>Counts a product query that succeeded.</summary>
    public void ProductLoaded() => Interlocked.Increment(ref _productLoads);

    /// <summary>Counts a price update.</summary>
    public void PriceUpdated() => Interlocked.Increment(ref _priceUpdates);

    /// <summary>Counts a stock query for <paramref name="ids"/> ids.</summary>
    public void StockQueried(int ids)
    {
        Interlocked.Increment(ref _stockQueries);
        Interlocked.Add(ref _stockIds, ids);
    }

    /// <summary>Counts a call to the pricing API.</summary>
    public void QuoteCalled() => Interlocked.Increment(ref _quoteCalls);
}

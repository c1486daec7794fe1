using Aspects.Samples.Catalog.Data;

namespace Aspects.Samples.Catalog;

/// <summary>
/// The catalog service: every public method below is a <c>partial</c> declaration whose body the Aspects generator
/// writes at build time around the matching <c>…Core</c> method. The aspects compose outermost first:
/// [Cached] → [InvalidatesCache] → [Batched] → [Retry] → [RateLimited] → body.
/// </summary>
public sealed partial class CatalogService(ICatalogDatabase database, PricingApi pricing, AspectRuntime aspects)
{
    /// <summary>A product by id: memory first, then Redis (with <c>--redis</c>), then the database, retried on timeouts.</summary>
    [Cached(DurationSeconds = 60, Tags = ["products"])]
    [Retry(MaxAttempts = 4, DelayMilliseconds = 10)]
    public partial Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken = default);

    /// <summary>Changes a price; once the update succeeded, <see cref="GetProductAsync"/>'s entry for the id is evicted everywhere.</summary>
    [InvalidatesCache(nameof(GetProductAsync))]
    [Retry(MaxAttempts = 4, DelayMilliseconds = 10)]
    public partial Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken = default);

    /// <summary>The stock of one product; concurrent calls within 5 ms share one query (<c>WHERE id = ANY(@ids)</c>).</summary>
    [Batched(MaxBatchSize = 64, MaxDelayMilliseconds = 5)]
    [Retry(MaxAttempts = 4, DelayMilliseconds = 10)]
    public partial Task<int> GetStockAsync(int productId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A quote from the third-party pricing API (quota 200 calls/s, bursts of 20, shared by every node through Redis
    /// when there is one): waits for a permit; every retry pays a permit too.
    /// </summary>
    [RateLimited(Name = "pricing-api", PermitsPerSecond = 200, Burst = 20, Scope = RateLimitScope.Distributed)]
    [Retry(MaxAttempts = 3, DelayMilliseconds = 10)]
    public partial Task<decimal> GetQuoteAsync(string sku, CancellationToken cancellationToken = default);

    /// <summary>A bulk quote on a smaller quota (50 calls/s, bursts of 10) that fails fast with <see cref="RateLimitRejectedException"/> (never retried: not transient).</summary>
    [RateLimited(Name = "pricing-api-bulk", PermitsPerSecond = 50, Burst = 10, Mode = RateLimitMode.Reject)]
    [Retry(MaxAttempts = 3, DelayMilliseconds = 10)]
    public partial Task<decimal> TryGetQuoteAsync(string sku, CancellationToken cancellationToken = default);

    private Task<Product?> GetProductCoreAsync(int id, CancellationToken cancellationToken) =>
        database.GetProductAsync(id, cancellationToken);

    private Task SetPriceCoreAsync(int id, decimal price, CancellationToken cancellationToken) =>
        database.SetPriceAsync(id, price, cancellationToken);

    private Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken cancellationToken) =>
        database.GetStockAsync(productIds, cancellationToken);

    private Task<decimal> GetQuoteCoreAsync(string sku, CancellationToken cancellationToken) =>
        pricing.GetQuoteAsync(sku, cancellationToken);

    private Task<decimal> TryGetQuoteCoreAsync(string sku, CancellationToken cancellationToken) =>
        pricing.GetQuoteAsync(sku, cancellationToken);
}

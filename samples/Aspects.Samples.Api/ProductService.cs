using Aspects.Samples.Api.Data;

namespace Aspects.Samples.Api;

/// <summary>
/// The service behind the endpoints. The container builds it with the <see cref="AspectRuntime"/> that
/// <c>AddAspects</c> registered, and the generated wrappers use that runtime (Redis, PostgreSQL errors, policies).
/// </summary>
/// <remarks>
/// Each attribute names a policy in <c>appsettings.json</c> (<c>Aspects:Cache:products</c>, <c>Aspects:Retry:database</c>,
/// <c>Aspects:Batching:stock</c>, <c>Aspects:RateLimits:pricing-api</c>); the values written here are the defaults, and a
/// change to the file applies without a restart (docs/configuration.md).
/// </remarks>
public sealed partial class ProductService(IProductStore store, PricingApi pricing, AspectRuntime aspects)
{
    /// <summary>A product by id: memory, then Redis when configured, then the store; retried on timeouts.</summary>
    [Cached(DurationSeconds = 60, LocalDurationSeconds = 10, Tags = ["products"], Policy = "products")]
    [Retry(MaxAttempts = 3, DelayMilliseconds = 50, Policy = "database")]
    public partial Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken = default);

    /// <summary>Changes a price; the cached product is evicted (on every instance, with Redis) once the update succeeded.</summary>
    [InvalidatesCache(nameof(GetProductAsync))]
    [Retry(MaxAttempts = 3, DelayMilliseconds = 50, Policy = "database")]
    public partial Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken = default);

    /// <summary>The stock of one product; concurrent calls within 10 ms share one query.</summary>
    [Batched(MaxBatchSize = 100, MaxDelayMilliseconds = 10, Policy = "stock")]
    public partial Task<int> GetStockAsync(int productId, CancellationToken cancellationToken = default);

    /// <summary>A quote from the pricing API: 2 calls per second, bursts of 5; beyond that <see cref="RateLimitRejectedException"/>.</summary>
    [RateLimited(Name = "pricing-api", PermitsPerSecond = 2, Burst = 5, Mode = RateLimitMode.Reject, Policy = "pricing-api")]
    public partial Task<decimal> GetQuoteAsync(string sku, CancellationToken cancellationToken = default);

    /// <summary>
    /// A quote for one API client: each client (the <c>X-Client-Id</c> header) has its own bucket of 3 quotes,
    /// refilled at one every 20 seconds; one client using up its quota leaves the others theirs.
    /// </summary>
    [RateLimited(Name = "client-quotes", PermitsPerSecond = 0.05, Burst = 3, Mode = RateLimitMode.Reject)]
    public partial Task<decimal> GetClientQuoteAsync(string sku, [RateLimitPartition] string clientId, CancellationToken cancellationToken = default);

    private Task<Product?> GetProductCoreAsync(int id, CancellationToken cancellationToken) =>
        store.GetProductAsync(id, cancellationToken);

    private Task SetPriceCoreAsync(int id, decimal price, CancellationToken cancellationToken) =>
        store.SetPriceAsync(id, price, cancellationToken);

    private Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken cancellationToken) =>
        store.GetStockAsync(productIds, cancellationToken);

    private Task<decimal> GetQuoteCoreAsync(string sku, CancellationToken cancellationToken) =>
        pricing.GetQuoteAsync(sku, cancellationToken);

    private Task<decimal> GetClientQuoteCoreAsync(string sku, string clientId, CancellationToken cancellationToken) =>
        pricing.GetQuoteAsync(sku, cancellationToken);
}

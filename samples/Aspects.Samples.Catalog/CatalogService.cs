namespace Aspects.Samples.Catalog;

/// <summary>The catalog: every method here is wrapped by code the Aspects generator writes at build time.</summary>
public sealed partial class CatalogService(FlakyInventoryApi inventory, AspectRuntime aspects)
{
    /// <summary>Stock of a product, retried on timeouts (the inventory service is flaky).</summary>
    [Retry(MaxAttempts = 4, DelayMilliseconds = 100, Backoff = RetryBackoff.Exponential)]
    public partial Task<int> GetStockAsync(int productId, CancellationToken cancellationToken = default);

    private Task<int> GetStockCoreAsync(int productId, CancellationToken cancellationToken) =>
        inventory.GetStockAsync(productId, cancellationToken);
}

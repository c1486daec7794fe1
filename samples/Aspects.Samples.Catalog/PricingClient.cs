namespace Aspects.Samples.Catalog;

/// <summary>A client of a third-party pricing API with a quota: 20 calls per second, bursts of 5.</summary>
public sealed partial class PricingClient(AspectRuntime aspects)
{
    private int _calls;

    /// <summary>How many calls reached the pricing API.</summary>
    public int Calls => _calls;

    /// <summary>Waits for a permit when the quota is used up.</summary>
    [RateLimited(Name = "pricing-api", PermitsPerSecond = 20, Burst = 5)]
    public partial Task<decimal> GetQuoteAsync(string sku, CancellationToken cancellationToken = default);

    /// <summary>Fails fast with <see cref="RateLimitRejectedException"/> when the quota is used up.</summary>
    [RateLimited(Name = "pricing-api-fast", PermitsPerSecond = 20, Burst = 5, Mode = RateLimitMode.Reject)]
    public partial Task<decimal> TryGetQuoteAsync(string sku, CancellationToken cancellationToken = default);

    private Task<decimal> GetQuoteCoreAsync(string sku, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(sku.Length * 1.25m);
    }

    private Task<decimal> TryGetQuoteCoreAsync(string sku, CancellationToken cancellationToken) =>
        GetQuoteCoreAsync(sku, cancellationToken);
}

using Aspects.Samples.Api.Data;

namespace Aspects.Samples.Api;

/// <summary>A stand-in for a third-party pricing API with a strict quota.</summary>
public sealed class PricingApi(StoreCounters counters)
{
    /// <summary>A price for <paramref name="sku"/>.</summary>
    public async Task<decimal> GetQuoteAsync(string sku, CancellationToken cancellationToken)
    {
        counters.QuoteCalled();
        await Task.Delay(2, cancellationToken);
        return 9.99m + sku.Length;
    }
}

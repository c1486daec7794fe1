using System.Net;

namespace Aspects.Samples.Catalog;

/// <summary>
/// A stand-in for a third-party pricing API (always simulated, also with <c>--postgres</c>): a millisecond or two
/// a call, and now and then a 503 that is worth trying again.
/// </summary>
public sealed class PricingApi
{
    /// <summary>The share of calls that fail with HTTP 503.</summary>
    public const double FaultRate = 0.03;

    private readonly Lock _gate = new();
    private readonly Random _random = new(7);

    /// <summary>A price for <paramref name="sku"/>.</summary>
    public async Task<decimal> GetQuoteAsync(string sku, CancellationToken cancellationToken)
    {
        int latency;
        bool fails;
        lock (_gate)
        {
            latency = _random.Next(1, 3);
            fails = _random.NextDouble() < FaultRate;
        }

        await Task.Delay(latency, cancellationToken);
        if (fails)
        {
            throw new HttpRequestException("simulated: pricing API answered 503", null, HttpStatusCode.ServiceUnavailable);
        }

        return 9.99m + sku.Length;
    }
}

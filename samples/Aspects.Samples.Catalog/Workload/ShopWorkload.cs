using System.Diagnostics;
using Aspects.Samples.Catalog.Data;
using Aspects.Samples.Catalog.Telemetry;

namespace Aspects.Samples.Catalog.Workload;

/// <summary>
/// A few seconds of traffic, spread over the nodes: shoppers who browse products (mostly popular ones) and check
/// their stock and sometimes ask for a price quote, a merchandiser who changes a price every 50 ms, and a bulk
/// job that asks for 25 quotes at once every 250 ms on a quota that cannot serve them all.
/// </summary>
public sealed class ShopWorkload(IReadOnlyList<CatalogNode> nodes, TimeSpan duration)
{
    /// <summary>How many shoppers browse at once, over all nodes.</summary>
    public const int Shoppers = 32;

    /// <summary>The method names, as the report shows them.</summary>
    public const string GetProduct = nameof(CatalogService.GetProductAsync);

    /// <inheritdoc cref="GetProduct"/>
    public const string SetPrice = nameof(CatalogService.SetPriceAsync);

    /// <inheritdoc cref="GetProduct"/>
    public const string GetStock = nameof(CatalogService.GetStockAsync);

    /// <inheritdoc cref="GetProduct"/>
    public const string GetQuote = nameof(CatalogService.GetQuoteAsync);

    /// <inheritdoc cref="GetProduct"/>
    public const string TryGetQuote = nameof(CatalogService.TryGetQuoteAsync);

    /// <summary>Runs the workload; <paramref name="onTick"/> is called about ten times a second with the elapsed time.</summary>
    /// <returns>How long it took, the calls in flight at the deadline included.</returns>
    public async Task<TimeSpan> RunAsync(Action<TimeSpan>? onTick)
    {
        var clock = Stopwatch.StartNew();
        var workers = new List<Task>();
        for (var i = 0; i < Shoppers; i++)
        {
            workers.Add(ShopAsync(nodes[i % nodes.Count], new Random(1000 + i), clock));
        }

        workers.Add(MerchandiseAsync(new Random(2), clock));
        workers.Add(BulkQuoteAsync(nodes[0], clock));
        var all = Task.WhenAll(workers);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(100));
            onTick?.Invoke(clock.Elapsed);
        }

        await all;
        return clock.Elapsed;
    }

    private async Task ShopAsync(CatalogNode node, Random random, Stopwatch clock)
    {
        // Start together, but on the thread pool: the first calls complete synchronously on memory hits.
        await Task.Yield();
        var catalog = node.Catalog;
        while (clock.Elapsed < duration)
        {
            // 80 % of the views go to the 50 most popular products.
            var id = random.NextDouble() < 0.8 ? random.Next(1, 51) : random.Next(1, ICatalogDatabase.ProductCount + 1);
            await SampleTelemetry.TimeAsync(GetProduct, () => catalog.GetProductAsync(id));
            await SampleTelemetry.TimeAsync(GetStock, () => catalog.GetStockAsync(id));
            if (random.Next(10) == 0)
            {
                await SampleTelemetry.TimeAsync(GetQuote, () => catalog.GetQuoteAsync(Product.SkuOf(id)));
            }
        }
    }

    private async Task MerchandiseAsync(Random random, Stopwatch clock)
    {
        for (var change = 0; clock.Elapsed < duration; change++)
        {
            var node = nodes[change % nodes.Count];
            var id = random.Next(1, 51);
            var price = 5m + random.Next(0, 4000) / 100m;
            await SampleTelemetry.TimeAsync(SetPrice, () => node.Catalog.SetPriceAsync(id, price));
            await Task.Delay(50);
        }
    }

    private async Task BulkQuoteAsync(CatalogNode node, Stopwatch clock)
    {
        var quotes = new Task[25];
        for (var round = 0; clock.Elapsed < duration; round++)
        {
            for (var i = 0; i < quotes.Length; i++)
            {
                var sku = Product.SkuOf(1 + (round * quotes.Length + i) % ICatalogDatabase.ProductCount);
                quotes[i] = SampleTelemetry.TimeAsync(TryGetQuote, () => node.Catalog.TryGetQuoteAsync(sku));
            }

            await Task.WhenAll(quotes);
            await Task.Delay(250);
        }
    }
}

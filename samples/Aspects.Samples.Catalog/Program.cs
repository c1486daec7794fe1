using System.Diagnostics;
using Aspects;
using Aspects.Samples.Catalog;

// The sample runs on the embedded defaults: no Redis, no PostgreSQL.
var inventory = new FlakyInventoryApi(failuresPerProduct: 2);
var clock = Stopwatch.StartNew();
var last = TimeSpan.Zero;
inventory.Called += (product, call, fails) =>
{
    var now = clock.Elapsed;
    Console.WriteLine(
        $"  product {product}: attempt {call} at {now.TotalMilliseconds,6:F0} ms (+{(now - last).TotalMilliseconds,4:F0} ms) → {(fails ? "timeout" : "ok")}");
    last = now;
};

var catalog = new CatalogService(inventory, new AspectRuntime());
Console.WriteLine("Aspects sample: [Retry] around a flaky inventory service (fails twice per product, then answers)");
Console.WriteLine("  policy: MaxAttempts = 4, exponential backoff from 100 ms with jitter, transient exceptions only");
Console.WriteLine();

foreach (var product in new[] { 1, 2 })
{
    clock.Restart();
    last = TimeSpan.Zero;
    var stock = await catalog.GetStockAsync(product);
    Console.WriteLine($"  => product {product}: {stock} in stock after {clock.Elapsed.TotalMilliseconds:F0} ms");
    Console.WriteLine();
}

var stubborn = new CatalogService(new FlakyInventoryApi(failuresPerProduct: 10), new AspectRuntime());
try
{
    await stubborn.GetStockAsync(3);
}
catch (TimeoutException exception)
{
    Console.WriteLine($"  => product 3 gave up after 4 attempts: {exception.Message}");
}

using System.Diagnostics;
using Aspects;
using Aspects.Redis.Caching;
using Aspects.Samples.Catalog;
using StackExchange.Redis;

// Runs on the embedded defaults: no Redis, no PostgreSQL. With a Redis connection string (ASPECTS_REDIS or
// --redis <connection string>) the cache gets Redis as its L2 and backplane. Every wrapper below is generated at build time.
var redisConnectionString = RedisConnectionString(args);
var options = new AspectRuntimeOptions();
ConnectionMultiplexer? redis = null;
if (redisConnectionString is not null)
{
    var configuration = ConfigurationOptions.Parse(redisConnectionString);
    configuration.AbortOnConnectFail = false;          // start even while Redis is down; it reconnects by itself
    configuration.BacklogPolicy = BacklogPolicy.FailFast; // during an outage, fall back to the body at once
    redis = await ConnectionMultiplexer.ConnectAsync(configuration);
    options.Cache.UseRedis(redis);
}

var runtime = new AspectRuntime(options);
try
{
    await CacheStoryAsync(runtime, redis);
    await RetryStoryAsync(runtime);
    await RateLimitStoryAsync(runtime);
    await BatchStoryAsync(runtime);
}
finally
{
    runtime.Cache.Dispose();
    redis?.Dispose();
}

static string? RedisConnectionString(string[] args)
{
    var at = Array.IndexOf(args, "--redis");
    if (at >= 0)
    {
        return at + 1 < args.Length ? args[at + 1] : throw new ArgumentException("--redis needs a connection string, e.g. --redis localhost:6379");
    }

    return Environment.GetEnvironmentVariable("ASPECTS_REDIS") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
}

static async Task CacheStoryAsync(AspectRuntime runtime, ConnectionMultiplexer? redis)
{
    Heading($"[Cached] + [InvalidatesCache] products from a slow database (40 ms a query); tiers: memory{(redis is not null ? " → Redis" : string.Empty)} → body");
    using var counts = new CacheRequestCounts("Aspects.Samples.Catalog.ProductCatalog.GetProductAsync");
    var catalog = new ProductCatalog(runtime);
    if (redis is not null)
    {
        // Another run of the sample may have left these in Redis; start from a clean slate so the story reads the same.
        await catalog.InvalidateGetProductAsync(7);
        await catalog.InvalidateGetProductAsync(8);
    }

    await TimedAsync("first read of product 7 (miss)", () => catalog.GetProductAsync(7));
    await TimedAsync("second read of product 7 (hit)", () => catalog.GetProductAsync(7));
    var concurrent = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => catalog.GetProductAsync(8)));
    Console.WriteLine($"  100 concurrent reads of product 8 → {concurrent.Distinct().Count()} distinct result, one query (stampede protection)");
    for (var i = 0; i < 10; i++)
    {
        await catalog.GetProductAsync(8);
    }

    Console.WriteLine("  10 more reads of product 8 → answered from memory");
    await catalog.SetPriceAsync(7, 12.50m);
    await TimedAsync("read of product 7 after SetPriceAsync (evicted)", () => catalog.GetProductAsync(7));
    Console.WriteLine($"  => {catalog.Queries} database queries for 114 reads (the 100 concurrent reads missed memory together and shared one query)");
    if (redis is not null)
    {
        // A second node: its memory is empty, but Redis has product 8 from the first node.
        var otherOptions = new AspectRuntimeOptions();
        otherOptions.Cache.UseRedis(redis);
        var otherNode = new AspectRuntime(otherOptions);
        await TimedAsync("another node's first read of product 8 (from Redis)", () => new ProductCatalog(otherNode).GetProductAsync(8));
        otherNode.Cache.Dispose();
    }

    counts.Print(hasL2: redis is not null);

    static async Task TimedAsync(string what, Func<Task<Product?>> read)
    {
        var clock = Stopwatch.StartNew();
        var product = await read();
        Console.WriteLine($"  {what}: {product} in {clock.Elapsed.TotalMilliseconds:F2} ms");
    }
}

static async Task RetryStoryAsync(AspectRuntime runtime)
{
    Heading("[Retry] a flaky inventory service (fails twice per product, then answers)");
    Console.WriteLine("  policy: MaxAttempts = 4, exponential backoff from 100 ms with jitter, transient exceptions only");
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

    var catalog = new CatalogService(inventory, runtime);
    foreach (var product in new[] { 1, 2 })
    {
        clock.Restart();
        last = TimeSpan.Zero;
        var stock = await catalog.GetStockAsync(product);
        Console.WriteLine($"  => product {product}: {stock} in stock after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    try
    {
        await new CatalogService(new FlakyInventoryApi(failuresPerProduct: 10), runtime).GetStockAsync(3);
    }
    catch (TimeoutException exception)
    {
        Console.WriteLine($"  => product 3 gave up after 4 attempts: {exception.Message}");
    }
}

static async Task RateLimitStoryAsync(AspectRuntime runtime)
{
    Heading("[RateLimited] a pricing API with a quota of 20 calls/s, bursts of 5");
    var pricing = new PricingClient(runtime);
    var clock = Stopwatch.StartNew();
    var calls = Enumerable.Range(1, 12).Select(i => pricing.GetQuoteAsync($"SKU-{i}")).ToArray();
    var immediate = calls.Count(call => call.IsCompletedSuccessfully);
    await Task.WhenAll(calls);
    Console.WriteLine($"  Wait mode:   12 concurrent calls → {immediate} got a permit at once, {12 - immediate} waited in line; " +
        $"the last finished after {clock.Elapsed.TotalMilliseconds:F0} ms (7 × 50 ms)");

    int accepted = 0, rejected = 0;
    TimeSpan? retryAfter = null;
    foreach (var i in Enumerable.Range(1, 12))
    {
        try
        {
            await pricing.TryGetQuoteAsync($"SKU-{i}");
            accepted++;
        }
        catch (RateLimitRejectedException exception)
        {
            rejected++;
            retryAfter ??= exception.RetryAfter;
        }
    }

    Console.WriteLine($"  Reject mode: 12 calls in a row → {accepted} accepted, {rejected} rejected " +
        $"(first rejection: retry after {retryAfter?.TotalMilliseconds:F0} ms)");
    Console.WriteLine($"  => the pricing API saw {pricing.Calls} calls");
}

static async Task BatchStoryAsync(AspectRuntime runtime)
{
    Heading("[Batched] 200 concurrent stock lookups of 150 products (in a real service: WHERE id = ANY(@ids))");
    var stock = new StockService(runtime);
    stock.Queried += ids => Console.WriteLine($"  batch query with {ids.Count} distinct ids");
    var ids = Enumerable.Range(0, 200).Select(i => 1 + (i % 150)).ToArray();
    var levels = await Task.WhenAll(ids.Select(id => stock.GetStockAsync(id)));
    Console.WriteLine($"  => {ids.Length} calls, {stock.Queries} queries; product 7 has {levels[6]}, " +
        $"discontinued product 10 yields {levels[9]} (missing keys yield default)");
}

static void Heading(string title)
{
    Console.WriteLine();
    Console.WriteLine(title);
}

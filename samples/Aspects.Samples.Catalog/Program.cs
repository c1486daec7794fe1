using System.Text;
using Aspects;
using Aspects.Hosting;
using Aspects.Redis.Caching;
using Aspects.Redis.RateLimiting;
using Aspects.Samples.Catalog;
using Aspects.Samples.Catalog.Data;
using Aspects.Samples.Catalog.Telemetry;
using Aspects.Samples.Catalog.Workload;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

// The showcase: a product catalog service using every aspect, under a few seconds of concurrent traffic, then a
// table per aspect read from the metrics. Runs on embedded defaults (no servers); --redis / --postgres (or
// ASPECTS_REDIS / ASPECTS_POSTGRES) switch to real ones. Every wrapper of CatalogService is generated at build time.
SampleOptions? options;
try
{
    options = SampleOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}

if (options is null)
{
    Console.WriteLine(SampleOptions.Usage);
    return 0;
}

var interactive = !Console.IsOutputRedirected;
if (interactive)
{
    Console.OutputEncoding = Encoding.UTF8;
}

using var metrics = new MetricsReader();
ICatalogDatabase database;
try
{
    database = options.Postgres is null
        ? new EmbeddedCatalogDatabase()
        : await PostgreSqlCatalogDatabase.OpenAsync(options.Postgres, CancellationToken.None);
}
catch (Exception exception) when (exception is ArgumentException or Npgsql.NpgsqlException or TimeoutException)
{
    Console.Error.WriteLine($"Cannot use PostgreSQL (--postgres / ASPECTS_POSTGRES): {exception.Message}");
    return 1;
}

await using var _ = database;
ConnectionMultiplexer? redis = null;
if (options.Redis is not null)
{
    try
    {
        var configuration = ConfigurationOptions.Parse(options.Redis);
        configuration.AbortOnConnectFail = false;          // what AddAspects(a => a.UseRedis(...)) does, too
        configuration.BacklogPolicy = BacklogPolicy.FailFast; // during an outage, fall back to memory and the database at once
        redis = await ConnectionMultiplexer.ConnectAsync(configuration);
    }
    catch (ArgumentException exception)
    {
        Console.Error.WriteLine($"Invalid Redis connection string (--redis / ASPECTS_REDIS): {exception.Message}");
        return 1;
    }

    if (!redis.IsConnected)
    {
        Console.Error.WriteLine($"Cannot reach Redis at '{options.Redis}' (--redis / ASPECTS_REDIS).");
        redis.Dispose();
        return 1;
    }
}

// With Redis, two nodes share it (L2, backplane, the pricing API's quota) as two processes of one service would.
// Each run gets its own cache key prefix so that it starts cold, whatever an earlier run left behind.
var runId = Guid.NewGuid().ToString("N")[..8];
var pricing = new PricingApi();
var nodes = new List<CatalogNode>();
for (var i = 0; i < (redis is null ? 1 : 2); i++)
{
    var runtimeOptions = new AspectRuntimeOptions();
    if (redis is not null)
    {
        runtimeOptions.Cache.KeyPrefix = $"aspects-sample-{runId}";
        // L2 copies go through source-generated JSON metadata (NativeAOT has no reflection). HybridCache's
        // reflection-based default serializer is removed too, so a cached type missing from CatalogJsonContext
        // fails under JIT (as l2 errors) just as it would in the native binary, and the tests catch it.
        runtimeOptions.Cache.UseRedis(redis, hybridCache: h =>
        {
            h.Services.RemoveAll<IHybridCacheSerializerFactory>();
            h.AddSerializerFactory(new JsonTypeInfoSerializerFactory(CatalogJsonContext.Default));
        });
        runtimeOptions.DistributedRateLimiters = new RedisRateLimiterFactory(redis, new RedisRateLimiterOptions { KeyPrefix = $"aspects-sample-{runId}:rl:" });
        runtimeOptions.AddRedisTransientErrors();
    }

    if (options.Postgres is not null)
    {
        runtimeOptions.AddPostgreSqlTransientErrors();
    }

    var runtime = new AspectRuntime(runtimeOptions);
    nodes.Add(new CatalogNode(runtime, new CatalogService(database, pricing, runtime)));
}

var duration = TimeSpan.FromSeconds(options.Seconds);
Console.WriteLine("Aspects catalog sample: [Cached], [InvalidatesCache], [Batched], [RateLimited], [Retry]");
Console.WriteLine($"  database  {database.Description}");
Console.WriteLine($"  cache     {(redis is null ? "memory only (--redis adds Redis as l2 + backplane)" : $"memory + Redis {options.Redis}, 2 nodes")}");
Console.WriteLine($"  workload  {duration.TotalSeconds:0.#} s: {ShopWorkload.Shoppers} shoppers, a price change every 50 ms, 25 bulk quotes every 250 ms");
Console.WriteLine();

var report = new AspectReport(metrics, hasRedis: redis is not null);
var workload = new ShopWorkload(nodes, duration);
TimeSpan elapsed;
try
{
    elapsed = await workload.RunAsync(interactive ? tick => Console.Write("\r" + report.Progress(tick, duration)) : null);
}
finally
{
    if (interactive)
    {
        Console.Write("\r" + new string(' ', 100) + "\r");
    }

    foreach (var node in nodes)
    {
        node.Runtime.Cache.Dispose();
    }

    redis?.Dispose();
}

Console.Write(report.Tables(elapsed, nodes.Count));
if (!SampleTelemetry.FirstErrors.IsEmpty)
{
    Console.WriteLine();
    Console.WriteLine("Failures the callers saw (first of each method):");
    foreach (var (method, error) in SampleTelemetry.FirstErrors.OrderBy(pair => pair.Key, StringComparer.Ordinal))
    {
        var line = $"  {method}: {error}";
        Console.WriteLine(line.Length <= 100 ? line : line[..99] + "…");
    }
}

return 0;

using System.Globalization;
using System.Text;
using Aspects.Samples.Catalog.Workload;

namespace Aspects.Samples.Catalog.Telemetry;

/// <summary>Turns what <see cref="MetricsReader"/> heard into the live progress line and the closing tables.</summary>
public sealed class AspectReport(MetricsReader metrics, bool hasRedis)
{
    private static readonly string Type = typeof(CatalogService).FullName + ".";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One line (at most 100 columns) for the progress display.</summary>
    public string Progress(TimeSpan elapsed, TimeSpan duration)
    {
        const int BarWidth = 20;
        var done = Math.Clamp(elapsed / duration, 0, 1);
        var filled = (int)Math.Round(done * BarWidth);
        var calls = metrics.Distribution(Instruments.CallDuration).Count;
        var l1Hits = metrics.Total(Instruments.CacheRequests, Full(ShopWorkload.GetProduct), "l1", "hit");
        var l1All = metrics.Total(Instruments.CacheRequests, Full(ShopWorkload.GetProduct), "l1");
        var batches = metrics.Distribution(Instruments.BatchSize, Full(ShopWorkload.GetStock)).Count;
        var waited = metrics.Total(Instruments.RateLimitAcquisitions, null, "waited");
        var rejected = metrics.Total(Instruments.RateLimitAcquisitions, null, "rejected");
        var retries = metrics.Total(Instruments.Retries);
        return string.Create(
            Invariant,
            $"  {new string('█', filled)}{new string('░', BarWidth - filled)} {Math.Min(elapsed.TotalSeconds, duration.TotalSeconds),4:0.0} s" +
            $"  calls {calls,7:N0}  hits {Percent(l1Hits, l1All),4}  batches {batches,4:N0}" +
            $"  waits {waited,4:N0}  rejects {rejected,4:N0}  retries {retries,3:N0}");
    }

    /// <summary>The closing tables, one per aspect.</summary>
    public string Tables(TimeSpan elapsed, int nodes)
    {
        var text = new StringBuilder();
        var allCalls = metrics.Distribution(Instruments.CallDuration).Count;
        text.AppendLine(Invariant, $"{allCalls:N0} calls in {elapsed.TotalSeconds:0.0} s ({allCalls / elapsed.TotalSeconds:N0}/s) on {nodes} node{(nodes == 1 ? "" : "s")}.");

        text.AppendLine().AppendLine(hasRedis
            ? "[Cached] + [InvalidatesCache]   memory (l1) → Redis (l2) → database (source)"
            : "[Cached] + [InvalidatesCache]   memory (l1) → database (source); --redis adds an l2");
        var product = Full(ShopWorkload.GetProduct);
        var l1Hits = metrics.Total(Instruments.CacheRequests, product, "l1", "hit");
        var l1Misses = metrics.Total(Instruments.CacheRequests, product, "l1", "miss");
        var l2Hits = metrics.Total(Instruments.CacheRequests, product, "l2", "hit");
        var l2Asked = metrics.Total(Instruments.CacheRequests, product, "l2");
        var sourceLoads = metrics.Total(Instruments.CacheRequests, product, "source");
        // Every L1 miss either started a shared attempt (which asked the L2 when there is one, else ran the body)
        // or joined one already running for the same key; so calls = l1 hits + l2 hits + source + joined.
        var joined = l1Misses - (hasRedis ? l2Asked : sourceLoads);
        var evictedHere = metrics.Total(Instruments.CacheInvalidations, product, "local");
        var evictedRemote = metrics.Total(Instruments.CacheInvalidations, product, "remote");
        var cache = new TextTable("method", "calls", "l1 hits", "l2 hits", "source", "joined", "hit ratio", "evicted", "p50 ms", "p99 ms");
        cache.Row([ShopWorkload.GetProduct, .. Calls(ShopWorkload.GetProduct), Count(l1Hits), hasRedis ? Count(l2Hits) : "-",
            Count(sourceLoads), Count(joined), Percent(l1Hits + l2Hits, l1Hits + l1Misses),
            Count(evictedHere + evictedRemote), .. Latency(ShopWorkload.GetProduct)]);
        cache.Row([ShopWorkload.SetPrice, .. Calls(ShopWorkload.SetPrice), "", "", "", "", "", "", .. Latency(ShopWorkload.SetPrice)]);
        text.Append(cache);
        text.AppendLine("  joined: calls that missed in memory while a load of the same id was running, and shared");
        text.AppendLine("  its result (stampede protection): calls = l1 hits + l2 hits + source + joined");
        text.AppendLine(hasRedis
            ? string.Create(Invariant, $"  evicted: entries [InvalidatesCache] removed once SetPriceAsync succeeded; {evictedRemote:N0} of them on\n  the other node, told through the Redis backplane")
            : "  evicted: entries [InvalidatesCache] removed once SetPriceAsync succeeded");
        if (metrics.Total(Instruments.CacheL2Errors, product) is > 0 and var l2Errors)
        {
            text.AppendLine(Invariant, $"  l2 errors: {l2Errors:N0} Redis operations failed ({Instruments.CacheL2Errors.Name}); those calls");
            text.AppendLine("  fell back to the database. Under NativeAOT: a cached type missing from CatalogJsonContext?");
            text.AppendLine("  See docs/aot.md.");
        }

        text.AppendLine().AppendLine("[Batched]   concurrent single-id calls → one WHERE id = ANY(@ids) query per batch");
        var stock = Full(ShopWorkload.GetStock);
        var sizes = metrics.Distribution(Instruments.BatchSize, stock);
        var batchedCalls = metrics.Total(Instruments.BatchCalls, stock);
        var batch = new TextTable("method", "calls", "batches", "ids/batch", "calls/batch", "max ids", "p50 ms", "p99 ms");
        batch.Row([ShopWorkload.GetStock, .. Calls(ShopWorkload.GetStock), Count(sizes.Count), Number(sizes.Mean, "0.0"),
            Number(sizes.Count == 0 ? 0 : (double)batchedCalls / sizes.Count, "0.0"), Count((long)sizes.Max), .. Latency(ShopWorkload.GetStock)]);
        text.Append(batch);

        text.AppendLine().AppendLine("[RateLimited]   token buckets: Wait queues for a permit, Reject fails fast");
        var limits = new TextTable("limiter", "mode", "calls", "acquired", "waited", "rejected", "wait p99 ms", "p50 ms", "p99 ms");
        LimiterRow(limits, "pricing-api", "wait", ShopWorkload.GetQuote);
        LimiterRow(limits, "pricing-api-bulk", "reject", ShopWorkload.TryGetQuote);
        text.Append(limits);
        text.AppendLine("  every attempt pays a permit: acquired + waited counts retries too");

        text.AppendLine().AppendLine("[Retry]   transient failures (timeouts, HTTP 503) tried again, exponential backoff + jitter");
        var retry = new TextTable("method", "calls", "retries", "gave up", "p50 ms", "p99 ms");
        foreach (var method in new[] { ShopWorkload.GetProduct, ShopWorkload.SetPrice, ShopWorkload.GetStock, ShopWorkload.GetQuote, ShopWorkload.TryGetQuote })
        {
            retry.Row([method, .. Calls(method), Count(metrics.Total(Instruments.Retries, Full(method))),
                Count(metrics.Distribution(Instruments.CallDuration, method, "error").Count), .. Latency(method)]);
        }

        text.Append(retry);
        text.AppendLine("  gave up: calls whose last attempt failed too. GetStockAsync retries whole batches: [Batched]");
        text.AppendLine("  wraps [Retry]. TryGetQuoteAsync's rejections are not transient: rejected, never retried.");

        text.AppendLine().AppendLine("Where the numbers come from: calls, p50 and p99 from the sample's own histogram");
        text.AppendLine($"{Instruments.CallDuration.Name} (meter {Instruments.SampleMeter}, timed around each call); everything else");
        text.AppendLine("from the library's meter Aspects (aspects.cache.*, aspects.batch.*, aspects.ratelimit.*,");
        text.AppendLine("aspects.retry.retries), read with a MeterListener; wait p99 from aspects.ratelimit.wait_time.");
        return text.ToString();
    }

    private void LimiterRow(TextTable table, string limiter, string mode, string method)
    {
        var wait = metrics.Distribution(Instruments.RateLimitWaitTime, limiter);
        table.Row([limiter, mode, .. Calls(method),
            Count(metrics.Total(Instruments.RateLimitAcquisitions, limiter, "acquired")),
            Count(metrics.Total(Instruments.RateLimitAcquisitions, limiter, "waited")),
            Count(metrics.Total(Instruments.RateLimitAcquisitions, limiter, "rejected")),
            wait.Count == 0 ? "-" : Milliseconds(wait.Quantile(0.99) * 1000),
            .. Latency(method)]);
    }

    private string[] Calls(string method) => [Count(metrics.Distribution(Instruments.CallDuration, method).Count)];

    private string[] Latency(string method)
    {
        var durations = metrics.Distribution(Instruments.CallDuration, method);
        return durations.Count == 0 ? ["-", "-"] : [Milliseconds(durations.Quantile(0.5)), Milliseconds(durations.Quantile(0.99))];
    }

    // Memory hits take microseconds, database calls milliseconds: three significant digits either way.
    private static string Milliseconds(double value) => value.ToString(value < 1 ? "0.000" : value < 10 ? "0.00" : "0.0", Invariant);

    private static string Full(string method) => Type + method;

    private static string Count(long value) => value.ToString("N0", Invariant);

    private static string Number(double value, string format) => value.ToString(format, Invariant);

    private static string Percent(long part, long whole) => whole == 0 ? "-" : ((double)part / whole).ToString("P0", Invariant).Replace(" ", "", StringComparison.Ordinal);
}

using System.Globalization;
using System.Text.RegularExpressions;
using Aspects.IntegrationTests.Rig;

namespace Aspects.Samples.Tests;

/// <summary>Runs the catalog sample on its embedded defaults, as <c>dotnet run</c> would, and reads its tables.</summary>
public sealed partial class CatalogSampleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Runs_on_the_embedded_defaults_and_prints_a_table_per_aspect()
    {
        await using var sample = SampleProcess.Start("CatalogSample", "--seconds", "1");

        await sample.WaitForExitAsync(Timeout);

        var output = sample.Output;
        Assert.True(sample.ExitCode == 0, $"Exit code {sample.ExitCode}. Output:\n{output}");
        Assert.Contains("database  embedded", output);
        foreach (var heading in new[] { "[Cached] + [InvalidatesCache]", "[Batched]", "[RateLimited]", "[Retry]" })
        {
            Assert.Contains(heading, output);
        }

        // Output is redirected here: no progress bar, and no line wider than 100 columns.
        Assert.DoesNotContain("█", output);
        Assert.All(output.Split('\n'), line => Assert.True(line.Length <= 100, $"Line wider than 100 columns: {line}"));

        // The numbers come from the metrics: the stock lookups were batched, the bulk quotes partly rejected.
        var stock = StockRow().Match(output);
        Assert.True(stock.Success, $"No GetStockAsync row in:\n{output}");
        var calls = Number(stock.Groups["calls"].Value);
        var batches = Number(stock.Groups["batches"].Value);
        Assert.True(batches >= 1 && batches < calls, $"Expected fewer batches than calls: {stock.Value}");
        var bulk = BulkRow().Match(output);
        Assert.True(bulk.Success, $"No pricing-api-bulk row in:\n{output}");
        Assert.True(Number(bulk.Groups["rejected"].Value) > 0, $"Expected rejections: {bulk.Value}");
        AssertCacheRowAccountsForEveryCall(output);
    }

    [Fact]
    public async Task With_redis_the_l2_is_hit_and_never_fails()
    {
        // The L2 copies go through the sample's source-generated JSON context (CatalogJsonContext) only, the way the
        // NativeAOT build needs them: the sample removes HybridCache's reflection fallback, so a cached type missing
        // from the context fails here under JIT too (no l2 hits, l2 errors).
        await using var redis = await RedisServer.StartNewAsync();
        // Three seconds, not one: an l2 hit needs a product loaded on one node to be asked for on the other before the
        // next price change evicts it, and a loaded machine (JIT, two runtimes starting) spends most of a first second
        // on warm-up; one second gave no l2 hit at all on a machine at load 25.
        await using var sample = SampleProcess.Start("CatalogSample", "--seconds", "3", "--redis", redis.ConnectionString);

        await sample.WaitForExitAsync(Timeout);

        var output = sample.Output;
        Assert.True(sample.ExitCode == 0, $"Exit code {sample.ExitCode}. Output:\n{output}");
        Assert.Contains($"memory + Redis {redis.ConnectionString}, 2 nodes", output);
        var cache = CacheRow().Match(output);
        Assert.True(cache.Success, $"No GetProductAsync cache row in:\n{output}");
        Assert.True(Number(cache.Groups["l2"].Value) > 0, $"Expected l2 hits: {cache.Value}");
        Assert.DoesNotContain("l2 errors", output);
        AssertCacheRowAccountsForEveryCall(output);
    }

    // Every call is a memory hit, a Redis hit, a body run or a caller that joined a running load: none goes missing.
    private static void AssertCacheRowAccountsForEveryCall(string output)
    {
        var cache = CacheRow().Match(output);
        Assert.True(cache.Success, $"No GetProductAsync cache row in:\n{output}");
        var l2 = cache.Groups["l2"].Value;
        var parts = Number(cache.Groups["l1"].Value) + (l2 == "-" ? 0 : Number(l2))
            + Number(cache.Groups["source"].Value) + Number(cache.Groups["joined"].Value);
        Assert.True(Number(cache.Groups["calls"].Value) == parts, $"calls != l1 hits + l2 hits + source + joined: {cache.Value}");
    }

    [Fact]
    public async Task Unknown_option_exits_with_code_2_and_the_usage()
    {
        await using var sample = SampleProcess.Start("CatalogSample", "--no-such-option");

        await sample.WaitForExitAsync(Timeout);

        Assert.Equal(2, sample.ExitCode);
        Assert.Contains("Unknown option '--no-such-option'", sample.Output);
        Assert.Contains("--postgres <connection string>", sample.Output);
    }

    private static long Number(string text) => long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"GetProductAsync +(?<calls>[\d,]+) +(?<l1>[\d,]+) +(?<l2>[\d,]+|-) +(?<source>[\d,]+) +(?<joined>[\d,]+) ")]
    private static partial Regex CacheRow();

    [GeneratedRegex(@"GetStockAsync +(?<calls>[\d,]+) +(?<batches>[\d,]+) ")]
    private static partial Regex StockRow();

    [GeneratedRegex(@"pricing-api-bulk +reject +(?<calls>[\d,]+) +(?<acquired>[\d,]+) +(?<waited>[\d,]+) +(?<rejected>[\d,]+) ")]
    private static partial Regex BulkRow();
}

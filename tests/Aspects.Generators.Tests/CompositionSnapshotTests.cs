using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>The generated code of [RateLimited], [Batched], [Cached], [InvalidatesCache] and their combinations.</summary>
public class CompositionSnapshotTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    [Fact]
    public void Rate_limited_async_method_waits_for_a_permit_off_the_fast_path()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Pricing;

            public sealed record Quote(string Sku, decimal Price);

            public sealed partial class PricingClient(AspectRuntime aspects)
            {
                [RateLimited(Name = "pricing-api", PermitsPerSecond = 50, Burst = 10)]
                public partial Task<Quote> GetQuoteAsync(string sku, CancellationToken ct = default);

                private Task<Quote> GetQuoteCoreAsync(string sku, CancellationToken ct) => Task.FromResult(new Quote(sku, 1m));
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Synchronous_cached_methods_over_retry_and_their_invalidating_partner()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Reports;

            public sealed partial class Renderer(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 60)]
                public partial string Render(int id, CancellationToken ct = default);

                private string RenderCore(int id, CancellationToken ct) => "page " + id;

                [Cached]
                [Retry(MaxAttempts = 3, DelayMilliseconds = 0)]
                public partial decimal Total(string account, DateTime day);

                private decimal TotalCore(string account, DateTime day) => 1m;

                [InvalidatesCache(nameof(Render))]
                public partial void Publish(int id);

                private void PublishCore(int id) { }
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Retry_around_rate_limit_pays_a_permit_per_attempt()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Pricing;

            public sealed partial class PricingClient
            {
                private readonly AspectRuntime _aspects = new();

                [RateLimited(PermitsPerSecond = 2.5, Mode = RateLimitMode.Reject, Scope = RateLimitScope.Distributed)]
                [Retry(MaxAttempts = 4, Handle = [typeof(HttpRequestException)])]
                public partial ValueTask<decimal> GetPriceAsync(string sku, CancellationToken ct = default);

                private ValueTask<decimal> GetPriceCoreAsync(string sku, CancellationToken ct) => new(1m);

                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                [Retry(MaxAttempts = 2, DelayMilliseconds = 0)]
                public partial decimal GetPrice(string sku);

                private decimal GetPriceCore(string sku) => 1m;
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Batched_method_with_retry_on_the_batch_call()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Inventory;

            public sealed partial class StockService(AspectRuntime aspects)
            {
                [Batched(MaxBatchSize = 256, MaxDelayMilliseconds = 5)]
                [Retry(MaxAttempts = 3)]
                public partial Task<int> GetStockAsync(int productId, CancellationToken ct = default);

                private Task<Dictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken ct) =>
                    Task.FromResult(new Dictionary<int, int>());

                [Batched(ThrowOnMissingKey = true)]
                public static partial ValueTask<string> GetNameAsync(Guid id);

                private static ValueTask<IReadOnlyList<string>> GetNameCoreAsync(IReadOnlyList<Guid> ids) =>
                    new((IReadOnlyList<string>)new string[ids.Count]);
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Cached_method_over_retry_and_its_invalidating_partner()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Shop;

            public sealed record Product(int Id, string Name, decimal Price);
            public enum Region { Europe, America }

            public sealed partial class CatalogService(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 300, Tags = ["products"])]
                [Retry(MaxAttempts = 3)]
                public partial Task<Product?> GetProductAsync(int id, Region region, string? locale, DateTime? asOf, [NotCacheKey] string traceId, CancellationToken ct = default);

                private Task<Product?> GetProductCoreAsync(int id, Region region, string? locale, DateTime? asOf, string traceId, CancellationToken ct) =>
                    Task.FromResult<Product?>(null);

                [Cached(DurationSeconds = 30, LocalDurationSeconds = 5)]
                internal partial ValueTask<int> CountAsync(string? category);

                private ValueTask<int> CountCoreAsync(string? category) => new(0);

                [InvalidatesCache(nameof(GetProductAsync))]
                [InvalidatesCache(nameof(CountAsync))]
                public partial Task SetPriceAsync(int id, Region region, string? locale, DateTime? asOf, string? category, decimal price, CancellationToken ct = default);

                private Task SetPriceCoreAsync(int id, Region region, string? locale, DateTime? asOf, string? category, decimal price, CancellationToken ct) =>
                    Task.CompletedTask;
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Cached_batched_lookup_checks_the_cache_per_key_before_batching()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Inventory;

            public sealed partial class StockService(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 10)]
                [Batched]
                public partial Task<int> GetStockAsync(int productId, CancellationToken ct = default);

                private Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyDictionary<int, int>>(new Dictionary<int, int>());
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }
}

using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>
/// The generated code of aspects with <c>Policy = "name"</c>: a static binding per method that holds the
/// attribute's values as defaults and resolves the runtime's current policy.
/// </summary>
public class PolicySnapshotTests
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
    public void Retry_with_a_policy_reads_attempts_and_delays_from_the_binding()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Payments;

            public sealed partial class PaymentsClient(AspectRuntime aspects)
            {
                [Retry(MaxAttempts = 3, DelayMilliseconds = 100, Policy = "payments")]
                public partial Task<int> ChargeAsync(int amount, CancellationToken ct = default);

                private Task<int> ChargeCoreAsync(int amount, CancellationToken ct) => Task.FromResult(amount);

                [Retry(MaxAttempts = 2, DelayMilliseconds = 0, Backoff = RetryBackoff.Constant, Jitter = false, Handle = [typeof(TimeoutException)], Policy = "payments")]
                public partial int Refund(int amount);

                private int RefundCore(int amount) => amount;
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Rate_limit_with_a_policy_gets_its_bucket_and_permits_through_the_binding()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Pricing;

            public sealed partial class PricingClient(AspectRuntime aspects)
            {
                [RateLimited(Name = "pricing-api", PermitsPerSecond = 50, Policy = "pricing")]
                [Retry(MaxAttempts = 4, Handle = [typeof(HttpRequestException)], Policy = "pricing")]
                public partial ValueTask<decimal> GetPriceAsync(string sku, CancellationToken ct = default);

                private ValueTask<decimal> GetPriceCoreAsync(string sku, CancellationToken ct) => new(1m);

                [RateLimited(PermitsPerSecond = 5, Burst = 2, Mode = RateLimitMode.Reject, Policy = "pricing")]
                public partial decimal GetListPrice(string sku);

                private decimal GetListPriceCore(string sku) => 1m;
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Batched_method_with_a_policy_creates_a_batcher_that_follows_it()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Inventory;

            public sealed partial class StockService(AspectRuntime aspects)
            {
                [Batched(MaxBatchSize = 256, MaxDelayMilliseconds = 5, Policy = "stock")]
                [RateLimited(PermitsPerSecond = 10, Policy = "inventory-db")]
                public partial Task<int> GetStockAsync(int productId, CancellationToken ct = default);

                private Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyDictionary<int, int>>(new Dictionary<int, int>());
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Cached_method_with_a_policy_names_it_in_its_definition()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Shop;

            public sealed record Product(int Id, string Name);

            public sealed partial class CatalogService(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 120, Policy = "products")]
                public partial Task<Product?> GetProductAsync(int id, CancellationToken ct = default);

                private Task<Product?> GetProductCoreAsync(int id, CancellationToken ct) => Task.FromResult<Product?>(null);
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }
}

namespace Aspects.Generators.Tests.Fuzzing;

/// <summary>Valid annotated programs the fuzzer mutates: every aspect, alone and composed.</summary>
internal static class FuzzSeeds
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    public static readonly string[] All =
    [
        Usings + """
            namespace Shop;

            public sealed partial class CatalogService(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 300, Tags = ["products"])]
                [Retry(MaxAttempts = 3)]
                public partial Task<string?> GetProductAsync(int id, CancellationToken ct = default);
                private Task<string?> GetProductCoreAsync(int id, CancellationToken ct) => Task.FromResult<string?>(aspects.ToString());

                [InvalidatesCache(nameof(GetProductAsync))]
                public partial Task SetPriceAsync(int id, decimal price, CancellationToken ct = default);
                private Task SetPriceCoreAsync(int id, decimal price, CancellationToken ct) => Task.CompletedTask;
            }
            """,
        Usings + """
            namespace Shop;

            public partial class StockService
            {
                [Batched(MaxBatchSize = 256, MaxDelayMilliseconds = 2)]
                [Retry(MaxAttempts = 2, DelayMilliseconds = 10)]
                public partial Task<int> GetStockAsync(int productId, CancellationToken ct = default);
                private Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyDictionary<int, int>>(new Dictionary<int, int>());

                [Batched]
                public partial ValueTask<string> GetNameAsync(Guid id);
                private ValueTask<IReadOnlyList<string>> GetNameCoreAsync(IReadOnlyList<Guid> ids) => new((IReadOnlyList<string>)[]);
            }
            """,
        Usings + """
            namespace Pricing
            {
                public partial class PricingClient
                {
                    public partial class Inner<T> where T : class
                    {
                        [RateLimited(Name = "pricing-api", PermitsPerSecond = 50, Burst = 10, Mode = RateLimitMode.Reject)]
                        [Retry(MaxAttempts = 4, Handle = [typeof(TimeoutException)], Backoff = RetryBackoff.Linear)]
                        public partial ValueTask<T?> GetQuoteAsync(string sku, CancellationToken ct = default);
                        private ValueTask<T?> GetQuoteCoreAsync(string sku, CancellationToken ct) => default;

                        [RateLimited(PermitsPerSecond = 2.5, Mode = RateLimitMode.Reject)]
                        public partial int Count(params int[] values);
                        private int CountCore(int[] values) => values.Length;
                    }
                }
            }
            """,
        Usings + """
            public static partial class Files
            {
                [Retry(DelayMilliseconds = 0, Jitter = false)]
                public static partial string ReadAll(this string path, int retries = 3, string? fallback = null);
                private static string ReadAllCore(string path, int retries, string? fallback) => path;

                [Retry]
                public static partial void Touch<TKey>(TKey key) where TKey : notnull;
                private static void TouchCore<TKey>(TKey key) where TKey : notnull { }

                [Retry, RateLimited(PermitsPerSecond = 1)]
                public static partial Task TouchAsync(ReadOnlyMemory<byte> data, CancellationToken ct);
                private static Task TouchCoreAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => Task.CompletedTask;
            }
            """,
    ];
}

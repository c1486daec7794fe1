using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>How [Batched] tells the keys of a batch apart: exact components where the key type's Equals is not exact.</summary>
public class BatchKeySnapshotTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    [Fact]
    public void Keys_whose_Equals_ignores_what_the_body_sees_are_compared_by_exact_components()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Pricing;

            public sealed record Quote(decimal Amount, DateTime At);
            public record Offer(string Sku, double Discount);

            public sealed partial class PriceService(AspectRuntime aspects)
            {
                [Batched(MaxDelayMilliseconds = 5)]
                public partial Task<string> FormatAsync(decimal amount, CancellationToken ct = default);

                private Task<IReadOnlyList<string>> FormatCoreAsync(IReadOnlyList<decimal> amounts, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyList<string>>(new string[amounts.Count]);

                [Batched]
                public static partial Task<int> QuoteAsync(Quote quote);

                private static Task<Dictionary<Quote, int>> QuoteCoreAsync(IReadOnlyList<Quote> quotes) =>
                    Task.FromResult(new Dictionary<Quote, int>());

                [Batched]
                public partial Task<int> OfferAsync(Offer offer);

                private Task<Dictionary<Offer, int>> OfferCoreAsync(IReadOnlyList<Offer> offers) =>
                    Task.FromResult(new Dictionary<Offer, int>());

                [Batched]
                public partial Task<int> StockAsync((int Id, string Sku) key);

                private Task<Dictionary<(int Id, string Sku), int>> StockCoreAsync(IReadOnlyList<(int Id, string Sku)> keys) =>
                    Task.FromResult(new Dictionary<(int Id, string Sku), int>());
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }
}

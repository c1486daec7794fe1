using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>The generated code of [RateLimited] methods with a [RateLimitPartition] parameter.</summary>
public class RateLimitPartitionSnapshotTests
{
    private const string Usings = """
        using System;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    [Fact]
    public void Partitioned_methods_format_the_partition_key_and_acquire_from_its_bucket()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Quotes;

            public sealed partial class QuoteApi(AspectRuntime aspects)
            {
                // A string partition (nullable: null is its own partition), retried: every attempt pays its partition's permit.
                [RateLimited(Name = "quotes", PermitsPerSecond = 10, Burst = 5, Mode = RateLimitMode.Reject)]
                [Retry(MaxAttempts = 3, Handle = [typeof(HttpRequestException)])]
                public partial Task<decimal> GetQuoteAsync(string sku, [RateLimitPartition] string? client, CancellationToken ct = default);

                private Task<decimal> GetQuoteCoreAsync(string sku, string? client, CancellationToken ct) => Task.FromResult(1m);

                // A synchronous method partitioned by a nullable Guid.
                [RateLimited(PermitsPerSecond = 2, Mode = RateLimitMode.Reject)]
                public partial int Count([RateLimitPartition] Guid? apiKey);

                private int CountCore(Guid? apiKey) => 1;

                // A policy applies per partition; a double is formatted losslessly (-0 and 0 are two partitions).
                [RateLimited(PermitsPerSecond = 1, Policy = "per-user", Scope = RateLimitScope.Distributed)]
                public partial ValueTask SendAsync([RateLimitPartition] double user, CancellationToken ct = default);

                private ValueTask SendCoreAsync(double user, CancellationToken ct) => default;
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }
}

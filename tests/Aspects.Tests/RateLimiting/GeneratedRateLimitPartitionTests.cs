using System.Globalization;
using Aspects.Policies;
using Aspects.RateLimiting;
using Aspects.Telemetry;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Aspects.Tests.RateLimiting;

/// <summary>Compile-and-run: [RateLimited] methods with a [RateLimitPartition] parameter, on a fake clock.</summary>
public partial class GeneratedRateLimitPartitionTests : GeneratedWrapperTests
{
    [Fact]
    public async Task Two_tenants_each_get_their_own_burst()
    {
        var api = new QuoteApi(Runtime);

        for (var i = 0; i < 2; i++)
        {
            await api.GetQuoteAsync("sku", "tenant-a").WaitAsync(Bound);
            await api.GetQuoteAsync("sku", "tenant-b").WaitAsync(Bound);
        }

        await Assert.ThrowsAsync<RateLimitRejectedException>(() => api.GetQuoteAsync("sku", "tenant-a").WaitAsync(Bound));
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => api.GetQuoteAsync("sku", "tenant-b").WaitAsync(Bound));
        Assert.Equal(4, api.Calls);
    }

    [Fact]
    public async Task An_exhausted_tenant_does_not_affect_another()
    {
        var api = new QuoteApi(Runtime);
        await api.GetQuoteAsync("sku", "noisy").WaitAsync(Bound);
        await api.GetQuoteAsync("sku", "noisy").WaitAsync(Bound);
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<RateLimitRejectedException>(() => api.GetQuoteAsync("sku", "noisy").WaitAsync(Bound));
        }

        // The quiet tenant, a null tenant and an empty one are three more partitions, each with its full burst.
        foreach (var tenant in new[] { "quiet", null, string.Empty })
        {
            await api.GetQuoteAsync("sku", tenant).WaitAsync(Bound);
            await api.GetQuoteAsync("sku", tenant).WaitAsync(Bound);
        }

        Assert.Equal(8, api.Calls);
    }

    [Fact]
    public void RetryAfter_is_the_partitions_own_and_the_rejection_names_the_bucket_not_the_partition()
    {
        var api = new QuoteApi(Runtime);
        api.Count(Guid.Empty); // rate 2/s, burst 1: the next permit of this partition is due in 500 ms
        Clock.Advance(TimeSpan.FromMilliseconds(200));
        var key = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e");
        api.Count(key); // due in 500 ms from now

        var first = Assert.Throws<RateLimitRejectedException>(() => api.Count(Guid.Empty));
        var second = Assert.Throws<RateLimitRejectedException>(() => api.Count(key));

        Assert.Equal(TimeSpan.FromMilliseconds(300), first.RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(500), second.RetryAfter);
        Assert.Equal("counts", first.LimiterName);
        Assert.Equal("counts", second.LimiterName);
        Assert.DoesNotContain(key.ToString(), second.Message, StringComparison.OrdinalIgnoreCase);

        // null is a partition of its own.
        api.Count(null);
        Assert.Throws<RateLimitRejectedException>(() => api.Count(null));
    }

    [Fact]
    public async Task Metrics_tag_the_bucket_name_and_never_the_partition_value()
    {
        using var acquisitions = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.ratelimit.acquisitions");
        var api = new QuoteApi(Runtime);
        var tenant = "tenant-" + Guid.NewGuid().ToString("N");

        await api.GetQuoteAsync("sku", tenant).WaitAsync(Bound);
        await api.GetQuoteAsync("sku", tenant).WaitAsync(Bound);
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => api.GetQuoteAsync("sku", tenant).WaitAsync(Bound));

        var ours = acquisitions.GetMeasurementSnapshot().Where(m => Equals(m.Tags["aspects.limiter"], "quotes")).ToList();
        Assert.Equal(3, ours.Count);
        Assert.Equal(["acquired", "acquired", "rejected"], ours.Select(m => (string)m.Tags["aspects.ratelimit.result"]!));
        Assert.DoesNotContain(acquisitions.GetMeasurementSnapshot(), m => m.Tags.Values.Any(v => v is string text && text.Contains(tenant, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_named_policy_applies_to_each_partition_and_a_reload_reaches_every_partition()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions
        {
            TimeProvider = Clock,
            Policies = { RateLimits = { ["per-client"] = new RateLimitPolicy { PermitsPerSecond = 1, Burst = 3 } } },
        });
        var api = new QuoteApi(runtime);

        foreach (var client in new[] { 1, 2 })
        {
            for (var i = 0; i < 3; i++)
            {
                await api.SendAsync(client).AsTask().WaitAsync(Bound);
            }

            var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(() => api.SendAsync(client).AsTask().WaitAsync(Bound));
            Assert.Equal(TimeSpan.FromSeconds(1), rejected.RetryAfter);
        }

        // Reloaded: 10 permits/s, burst 1. An existing partition and a new one both follow it.
        runtime.UpdatePolicies(new AspectPolicies { RateLimits = { ["per-client"] = new RateLimitPolicy { PermitsPerSecond = 10, Burst = 1 } } });
        Clock.Advance(TimeSpan.FromSeconds(5));
        foreach (var client in new[] { 1, 3 })
        {
            await api.SendAsync(client).AsTask().WaitAsync(Bound);
            var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(() => api.SendAsync(client).AsTask().WaitAsync(Bound));
            Assert.Equal(TimeSpan.FromMilliseconds(100), rejected.RetryAfter);
        }
    }

    [Fact]
    public void Idle_partitions_are_dropped_so_a_million_distinct_values_keep_a_bounded_number_of_buckets()
    {
        var runtime = Runtime;
        var partitions = new RateLimitDefinition("evict", new RateLimitSettings(1000, 1, RateLimitMode.Wait, 30_000), RateLimitScope.Local).Partitions(runtime);
        var most = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            partitions.Acquire(i.ToString(CultureInfo.InvariantCulture), RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
            most = Math.Max(most, partitions.Count);

            // 1 ms refills each bucket (1,000 permits/s, burst 1): every partition but the last is idle again.
            Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(most <= RateLimitPartitions.MinSweepThreshold, $"{most} partitions were held at once; idle ones should have been dropped.");
    }

    [Fact]
    public void Partitions_that_are_not_full_are_kept_so_no_admitted_permit_is_forgotten()
    {
        var partitions = new RateLimitDefinition("keep", new RateLimitSettings(1, 1, RateLimitMode.Wait, 30_000), RateLimitScope.Local).Partitions(Runtime);
        const int Count = 3 * RateLimitPartitions.MinSweepThreshold;
        for (var i = 0; i < Count; i++)
        {
            partitions.Acquire(i.ToString(CultureInfo.InvariantCulture), RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        }

        // Sweeps ran (the count passed the threshold) but dropped nothing: every bucket is still empty.
        Assert.Equal(Count, partitions.Count);
        for (var i = 0; i < Count; i++)
        {
            Assert.Throws<RateLimitRejectedException>(() =>
                partitions.Acquire(i.ToString(CultureInfo.InvariantCulture), RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
        }

        // Once they refill, the next sweep drops them.
        Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = Count; partitions.Count > RateLimitPartitions.MinSweepThreshold; i++)
        {
            Assert.True(i < 3 * Count, "The idle partitions were never dropped.");
            partitions.Acquire(i.ToString(CultureInfo.InvariantCulture), RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_partition_in_use_is_never_dropped_while_callers_race_with_sweeps()
    {
        // Many threads, few hot partitions among many cold ones: the hot buckets are never full, so no sweep may drop
        // them, and across all threads no hot partition admits more than its burst (the clock does not move).
        var partitions = new RateLimitDefinition("race", new RateLimitSettings(1, 5, RateLimitMode.Wait, 30_000), RateLimitScope.Local).Partitions(Runtime);
        var admitted = new int[4];
        var cold = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var hot = i % admitted.Length;
                try
                {
                    partitions.Acquire("hot" + hot, RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
                    Interlocked.Increment(ref admitted[hot]);
                }
                catch (RateLimitRejectedException)
                {
                }

                partitions.Acquire("cold" + Interlocked.Increment(ref cold), RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
            }
        }))).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(admitted, count => Assert.Equal(5, count));
    }

    [Fact]
    public void A_distributed_factory_without_partitions_fails_naming_the_method_to_implement()
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions { TimeProvider = Clock, DistributedRateLimiters = new UnpartitionedFactory() });
        var partitions = new RateLimitDefinition("remote", new RateLimitSettings(1, 1, RateLimitMode.Wait, 30_000), RateLimitScope.Distributed).Partitions(runtime);

        var exception = Assert.Throws<NotSupportedException>(() =>
            partitions.Acquire("remote:a", RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));

        Assert.Contains("IDistributedRateLimiterFactory.CreatePartition", exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(UnpartitionedFactory), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Distributed_partitions_without_a_factory_are_local_buckets()
    {
        var partitions = new RateLimitDefinition("no-factory", new RateLimitSettings(1, 1, RateLimitMode.Wait, 30_000), RateLimitScope.Distributed).Partitions(Runtime);

        partitions.Acquire("no-factory:a", RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        partitions.Acquire("no-factory:b", RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        Assert.Throws<RateLimitRejectedException>(() => partitions.Acquire("no-factory:a", RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(2, partitions.Count);
    }

    private sealed class UnpartitionedFactory : IDistributedRateLimiterFactory
    {
        public AspectRateLimiter Create(string name, double permitsPerSecond, int burst, AspectRuntime runtime) =>
            new TokenBucket(name, permitsPerSecond, burst, runtime.TimeProvider);
    }

    [Fact]
    public void Property_distinct_partition_values_never_share_a_bucket_and_equal_values_always_do()
    {
        var seed = Environment.GetEnvironmentVariable("ASPECTS_PARTITION_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        var api = new QuoteApi(Runtime);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < 4_000; i++)
            {
                // The reference model: the identity the body can observe, as text no two distinct values share.
                switch (random.Next(4))
                {
                    case 0:
                        var text = RandomText(random);
                        Check("s:" + (text is null ? "null" : "'" + text), () => api.ByText(text));
                        break;
                    case 1:
                        var number = RandomDouble(random);
                        Check("d:" + BitConverter.DoubleToInt64Bits(number), () => api.ByDouble(number));
                        break;
                    case 2:
                        var amount = new decimal(random.Next(3), 0, 0, random.Next(2) == 0, (byte)random.Next(3));
                        Check("m:" + string.Join(",", decimal.GetBits(amount)), () => api.ByDecimal(amount));
                        break;
                    default:
                        int? id = random.Next(5) == 0 ? null : random.Next(-3, 4);
                        Check("i:" + (id?.ToString(CultureInfo.InvariantCulture) ?? "null"), () => api.ById(id));
                        break;
                }
            }
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Seed {seed} failed (replay: ASPECTS_PARTITION_SEED={seed}): {e.Message}", e);
        }

        void Check(string identity, Action call)
        {
            // Burst 1, no refill: a value's first call is admitted, every later call of an equal value is rejected.
            if (seen.Add(identity))
            {
                call();
            }
            else
            {
                Assert.Throws<RateLimitRejectedException>(call);
            }
        }
    }

    // Few distinct values, so equal ones recur; among them the separators and escapes of the key text.
    private static string? RandomText(Random random)
    {
        string[] pieces = ["a", ":", "\\", "\\:", "\0", "\t", "", "é", "\ud800", "}", "{"];
        if (random.Next(8) == 0)
        {
            return null;
        }

        var length = random.Next(3);
        var text = string.Empty;
        for (var i = 0; i < length; i++)
        {
            text += pieces[random.Next(pieces.Length)];
        }

        return text;
    }

    private static double RandomDouble(Random random)
    {
        double[] values = [0.0, -0.0, 1.5, 1.5000000000000002, double.NaN, BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000001)), double.PositiveInfinity, double.Epsilon];
        return values[random.Next(values.Length)];
    }

    internal sealed partial class QuoteApi(AspectRuntime aspects)
    {
        private int _calls;

        public int Calls => _calls;

        [RateLimited(Name = "quotes", PermitsPerSecond = 1, Burst = 2, Mode = RateLimitMode.Reject)]
        public partial Task<decimal> GetQuoteAsync(string sku, [RateLimitPartition] string? tenant, CancellationToken cancellationToken = default);

        [RateLimited(Name = "counts", PermitsPerSecond = 2, Burst = 1, Mode = RateLimitMode.Reject)]
        public partial int Count([RateLimitPartition] Guid? apiKey);

        [RateLimited(PermitsPerSecond = 100, Policy = "per-client", Mode = RateLimitMode.Reject)]
        public partial ValueTask SendAsync([RateLimitPartition] int client, CancellationToken cancellationToken = default);

        [RateLimited(PermitsPerSecond = 1e-6, Burst = 1, Mode = RateLimitMode.Reject)]
        public partial int ByText([RateLimitPartition] string? text);

        [RateLimited(PermitsPerSecond = 1e-6, Burst = 1, Mode = RateLimitMode.Reject)]
        public partial int ByDouble([RateLimitPartition] double value);

        [RateLimited(PermitsPerSecond = 1e-6, Burst = 1, Mode = RateLimitMode.Reject)]
        public partial int ByDecimal([RateLimitPartition] decimal value);

        [RateLimited(PermitsPerSecond = 1e-6, Burst = 1, Mode = RateLimitMode.Reject)]
        public partial int ById([RateLimitPartition] int? id);

        private Task<decimal> GetQuoteCoreAsync(string sku, string? tenant, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(3m);
        }

        private int CountCore(Guid? apiKey) => 1;

        private ValueTask SendCoreAsync(int client, CancellationToken cancellationToken) => default;

        private int ByTextCore(string? text) => 1;

        private int ByDoubleCore(double value) => 1;

        private int ByDecimalCore(decimal value) => 1;

        private int ByIdCore(int? id) => 1;
    }
}

using Aspects.Tests.Caching;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Aspects.Tests.Telemetry;

/// <summary>The key failure logs are emitted with their documented event IDs and names (docs/telemetry.md).</summary>
public sealed partial class LogEventTests : GeneratedWrapperTests
{
    private readonly FakeLogCollector _logs = new();

    [Fact]
    public async Task A_failed_batch_is_logged_as_event_3001_with_the_method_and_the_exception()
    {
        var service = new Service(LoggingRuntime());

        var call = service.GetStockAsync(1);
        await Clock.WaitForTimerAsync("the batch delay");
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Bound));

        var record = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == 3001);
        Assert.Equal("BatchFailed", record.Id.Name);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("Aspects.Batching", record.Category);
        Assert.IsType<TimeoutException>(record.Exception);
        Assert.Contains("Aspects.Tests.Telemetry.LogEventTests.Service.GetStockAsync", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_L2_outage_falling_back_to_the_body_is_logged_as_event_1001()
    {
        var fixture = new CacheFixture(o => o.Cache.DistributedCache = new FakeHybridCache(o.TimeProvider) { Failing = true });
        var definition = CacheFixture.Definition();

        var value = await fixture.Runtime.Cache.Region<int, string?>(definition)
            .GetOrCreateAsync(1, 0, CacheFixture.KeyOf(definition), (_, _, _) => Task.FromResult<string?>("from the body"), CancellationToken.None)
            .WaitAsync(Bound);

        Assert.Equal("from the body", value);
        var record = Assert.Single(fixture.Logs.GetSnapshot(), r => r.Id.Id == 1001);
        Assert.Equal("CacheL2Failed", record.Id.Name);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains(definition.MethodName, record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_distributed_limit_without_a_distributed_store_is_logged_as_event_2001()
    {
        var service = new Service(LoggingRuntime());

        await service.QuoteAsync().WaitAsync(Bound);

        var record = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == 2001);
        Assert.Equal("RateLimitDistributedWithoutStore", record.Id.Name);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("telemetry.logs.distributed", record.Message, StringComparison.Ordinal);
    }

    private AspectRuntime LoggingRuntime() =>
        new(new AspectRuntimeOptions { TimeProvider = Clock, LoggerFactory = new LoggerFactory([new FakeLoggerProvider(_logs)]) });

    internal sealed partial class Service(AspectRuntime aspects)
    {
        [Batched(MaxBatchSize = 10, MaxDelayMilliseconds = 5)]
        public partial Task<int> GetStockAsync(int productId, CancellationToken cancellationToken = default);

        [RateLimited(Name = "telemetry.logs.distributed", PermitsPerSecond = 10, Burst = 1, Scope = RateLimitScope.Distributed)]
        public partial Task<int> QuoteAsync(CancellationToken cancellationToken = default);

        private Task<IReadOnlyList<int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken cancellationToken) =>
            Task.FromException<IReadOnlyList<int>>(new TimeoutException("stock service timed out"));

        private Task<int> QuoteCoreAsync(CancellationToken cancellationToken) => Task.FromResult(1);
    }
}

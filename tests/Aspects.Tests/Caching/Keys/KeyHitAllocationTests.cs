using Aspects.Tests.Infrastructure;

namespace Aspects.Tests.Caching.Keys;

/// <summary>Exact key components and composite keys keep the in-process hit free of allocations.</summary>
public sealed class KeyHitAllocationTests : GeneratedWrapperTests
{
    [Fact]
    public async Task An_L1_hit_on_exact_and_composite_keys_allocates_nothing()
    {
        var service = new KeyedService(Runtime);
        var at = new DateTime(2024, 3, 31, 1, 30, 0, DateTimeKind.Local);
        var stamp = new DateTimeOffset(2024, 3, 31, 15, 0, 0, TimeSpan.FromHours(3));
        var reading = new KeyedService.Reading(-0.0, at, "red\tshoes", new KeyedService.Range(1.50m, 2m));
        var tuple = ("Paris", stamp, 1.5f);
        await Hits();
        for (var i = 0; i < 100; i++)
        {
            await Hits();
        }

        var calls = service.Calls;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _ = service.DoubleAsync(-0.0);
            _ = service.DecimalAsync(1.50m);
            _ = service.DateTimeAsync(at);
            _ = service.DateTimeOffsetAsync(stamp);
            _ = service.NullableDateTimeAsync(at);
            _ = service.RecordAsync(reading);
            _ = service.RecordStructAsync(new KeyedService.Range(1.50m, 2m));
            _ = service.TupleAsync(tuple);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(calls, service.Calls);

        async Task Hits()
        {
            await service.DoubleAsync(-0.0).WaitAsync(Bound);
            await service.DecimalAsync(1.50m).WaitAsync(Bound);
            await service.DateTimeAsync(at).WaitAsync(Bound);
            await service.DateTimeOffsetAsync(stamp).WaitAsync(Bound);
            await service.NullableDateTimeAsync(at).WaitAsync(Bound);
            await service.RecordAsync(reading).WaitAsync(Bound);
            await service.RecordStructAsync(new KeyedService.Range(1.50m, 2m)).WaitAsync(Bound);
            await service.TupleAsync(tuple).WaitAsync(Bound);
        }
    }
}

using Aspects.Batching;
using Microsoft.Extensions.Time.Testing;

namespace Aspects.Tests.Batching;

public sealed class MicroBatcherOptionsTests
{
    public static TheoryData<string, Action<MicroBatcherOptions>> InvalidSettings => new()
    {
        { "MicroBatcherOptions.MaxBatchSize", o => o.MaxBatchSize = 0 },
        { "MicroBatcherOptions.MaxDelay", o => o.MaxDelay = TimeSpan.FromMilliseconds(-1) },
        { "MicroBatcherOptions.MaxDelay", o => o.MaxDelay = Timeout.InfiniteTimeSpan },
        { "MicroBatcherOptions.MaxDelay", o => o.MaxDelay = TimeSpan.FromDays(365) },
        { "MicroBatcherOptions.MaxConcurrentBatches", o => o.MaxConcurrentBatches = 0 },
        { "MicroBatcherOptions.MaxQueuedBatches", o => o.MaxQueuedBatches = 0 },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Out_of_range_setting_is_rejected_by_the_constructor_naming_the_setting(string setting, Action<MicroBatcherOptions> configure)
    {
        var options = new MicroBatcherOptions();
        configure(options);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new MicroBatcher<int, int>(
            "Shop.Catalog.GetStock", static (_, _) => throw new InvalidOperationException(), options, new FakeTimeProvider()));

        Assert.Equal(setting, exception.ParamName);
        Assert.Contains(setting, exception.Message);
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new MicroBatcherOptions();

        Assert.Equal(100, options.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(2), options.MaxDelay);
        Assert.False(options.ThrowOnMissingKey);
        Assert.Equal(16, options.MaxConcurrentBatches);
        Assert.Equal(1024, options.MaxQueuedBatches);
    }

    [Fact]
    public void Batched_attribute_defaults_match_the_options_defaults()
    {
        var attribute = new BatchedAttribute();
        var options = new MicroBatcherOptions();

        Assert.Equal(options.MaxBatchSize, attribute.MaxBatchSize);
        Assert.Equal(options.MaxDelay, TimeSpan.FromMilliseconds(attribute.MaxDelayMilliseconds));
        Assert.Equal(options.ThrowOnMissingKey, attribute.ThrowOnMissingKey);
        Assert.Null(attribute.Policy);
    }
}

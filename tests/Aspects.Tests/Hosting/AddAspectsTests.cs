using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aspects.Tests.Hosting;

public partial class AddAspectsTests
{
    [Fact]
    public void The_runtime_is_one_singleton_on_the_containers_clock_and_loggers()
    {
        var clock = new RecordingTimeProvider();
        using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddAspects()
            .BuildServiceProvider();

        var runtime = provider.GetRequiredService<AspectRuntime>();

        Assert.Same(runtime, provider.GetRequiredService<AspectRuntime>());
        Assert.Same(clock, runtime.TimeProvider);
        Assert.Same(NullLoggerFactory.Instance, runtime.LoggerFactory);
    }

    [Fact]
    public async Task A_service_built_by_the_container_wraps_its_calls_with_the_registered_runtime()
    {
        var clock = new RecordingTimeProvider();
        using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddAspects()
            .AddTransient<FlakyService>()
            .BuildServiceProvider();
        var service = provider.GetRequiredService<FlakyService>();

        var call = service.GetAsync();
        await clock.WaitForTimerAsync("the retry delay on the container's clock");
        clock.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(2, await call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Configuration_steps_run_in_order_with_access_to_the_services()
    {
        var order = new List<string>();
        using var provider = new ServiceCollection()
            .AddSingleton("from the container")
            .AddAspects(aspects => aspects
                .Configure((services, options) => order.Add(services.GetRequiredService<string>()))
                .Configure((_, options) => options.TransientExceptionClassifiers.Add(e => e is InvalidOperationException)))
            .BuildServiceProvider();

        var runtime = provider.GetRequiredService<AspectRuntime>();

        Assert.Equal(["from the container"], order);
        Assert.True(runtime.IsTransient(new InvalidOperationException()));
    }

    [Fact]
    public void Registering_twice_fails_with_a_clear_message()
    {
        var services = new ServiceCollection().AddAspects();

        var exception = Assert.Throws<InvalidOperationException>(() => services.AddAspects());

        Assert.Contains("AddAspects was called twice", exception.Message);
    }

    internal sealed partial class FlakyService(AspectRuntime aspects)
    {
        private int _attempts;

        [Retry(DelayMilliseconds = 100, Jitter = false)]
        public partial Task<int> GetAsync();

        private Task<int> GetCoreAsync() =>
            ++_attempts == 1 ? Task.FromException<int>(new TimeoutException()) : Task.FromResult(_attempts);
    }
}

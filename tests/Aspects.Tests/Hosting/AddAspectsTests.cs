using Aspects.Caching;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
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
    public void Calling_AddAspects_twice_registers_one_runtime_configured_by_the_steps_of_both_calls()
    {
        var services = new ServiceCollection()
            .AddAspects(aspects => aspects.Configure((_, options) => options.TransientExceptionClassifiers.Add(e => e is InvalidOperationException)))
            .AddAspects(aspects => aspects.Configure((_, options) => options.TransientExceptionClassifiers.Add(e => e is FormatException)))
            .AddAspects();
        using var provider = services.BuildServiceProvider();

        var runtime = provider.GetRequiredService<AspectRuntime>();

        Assert.Single(services, d => d.ServiceType == typeof(AspectRuntime));
        Assert.Same(runtime, provider.GetRequiredService<AspectRuntime>());
        Assert.True(runtime.IsTransient(new InvalidOperationException()), "The first call's step ran.");
        Assert.True(runtime.IsTransient(new FormatException()), "The second call's step ran.");
    }

    [Fact]
    public void UseConfiguration_with_the_same_section_in_two_AddAspects_calls_reads_it_once_and_another_section_fails_naming_both()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Aspects:Retry:payments:MaxAttempts"] = "5" })
            .Build();
        var services = new ServiceCollection()
            .AddAspects(aspects => aspects.UseConfiguration(configuration.GetSection("Aspects")))
            .AddAspects(aspects => aspects.UseConfiguration(configuration.GetSection("Aspects")));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(5, provider.GetRequiredService<AspectRuntime>().PolicyStore.Current.Retry["payments"].MaxAttempts);
        var exception = Assert.Throws<InvalidOperationException>(() => services.AddAspects(aspects => aspects.UseConfiguration(configuration.GetSection("Other"))));
        Assert.Contains("'Aspects' and 'Other'", exception.Message);
    }

    [Fact]
    public async Task Disposing_the_container_disposes_the_runtime_it_created_which_ends_the_backplane_subscription()
    {
        var backplane = new RecordingBackplane();
        var provider = new ServiceCollection()
            .AddAspects(aspects => aspects.Configure((_, options) => options.Cache.Backplane = backplane))
            .BuildServiceProvider();
        provider.GetRequiredService<AspectRuntime>();
        Assert.Equal(1, backplane.Subscriptions);

        await provider.DisposeAsync();

        Assert.Equal(1, backplane.Unsubscriptions);
    }

    [Fact]
    public void A_runtime_the_application_registered_itself_is_kept()
    {
        var own = new AspectRuntime();
        using var provider = new ServiceCollection().AddSingleton(own).AddAspects().BuildServiceProvider();

        Assert.Same(own, provider.GetRequiredService<AspectRuntime>());
    }

    private sealed class RecordingBackplane : ICacheBackplane
    {
        public int Subscriptions { get; private set; }

        public int Unsubscriptions { get; private set; }

        public ValueTask PublishAsync(CacheInvalidation invalidation, CancellationToken cancellationToken = default) => default;

        public IDisposable Subscribe(Action<CacheInvalidation> handler)
        {
            Subscriptions++;
            return new Unsubscriber(this);
        }

        private sealed class Unsubscriber(RecordingBackplane owner) : IDisposable
        {
            public void Dispose() => owner.Unsubscriptions++;
        }
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

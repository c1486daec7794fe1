using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aspects.Tests.Policies;

/// <summary>
/// <c>UseConfiguration</c>: named policies bound from configuration, observed through generated wrappers on a
/// fake clock; reloads; start-up and reload validation.
/// </summary>
public sealed class PolicyConfigurationTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly RecordingTimeProvider _clock = new();
    private readonly RecordingLoggerFactory _logs = new();
    private readonly IConfigurationRoot _configuration;
    private readonly ServiceProvider _services;

    public PolicyConfigurationTests()
    {
        _configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Aspects:Retry:payments:MaxAttempts"] = "4",
                ["Aspects:RateLimits:pricing:PermitsPerSecond"] = "1",
                ["Aspects:RateLimits:pricing:Burst"] = "3",
                ["Aspects:Cache:products:DurationSeconds"] = "10",
                ["Aspects:Batching:stock:MaxBatchSize"] = "2",
                ["Aspects:Redis:ConnectionString"] = "other features may keep their settings in the same section",
            })
            .Build();
        _services = Services(_configuration);
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Retry_attempts_come_from_the_policy_and_follow_a_reload()
    {
        var service = new PolicyServices(_services.GetRequiredService<AspectRuntime>());

        Assert.Throws<TimeoutException>(() => service.FetchBalance());
        Assert.Equal(4, service.Attempts);

        Reload("Aspects:Retry:payments:MaxAttempts", "6");
        Assert.Throws<TimeoutException>(() => service.FetchBalance());
        Assert.Equal(4 + 6, service.Attempts);

        // A key removed from configuration falls back to the attribute's value (MaxAttempts = 2).
        Reload("Aspects:Retry:payments:MaxAttempts", null);
        Assert.Throws<TimeoutException>(() => service.FetchBalance());
        Assert.Equal(4 + 6 + 2, service.Attempts);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 5003 && e.Level == LogLevel.Information);
    }

    [Fact]
    public void Rate_limit_comes_from_the_policy_and_a_reload_keeps_the_permits_on_hand()
    {
        var service = new PolicyServices(_services.GetRequiredService<AspectRuntime>());

        // Burst 3 from configuration (the attribute says 1).
        Assert.Equal([1, 2, 3], Enumerable.Range(0, 3).Select(_ => service.Quote()));
        Assert.Throws<RateLimitRejectedException>(() => service.Quote());

        Reload("Aspects:RateLimits:pricing:PermitsPerSecond", "10", "Aspects:RateLimits:pricing:Burst", "5");

        // The empty bucket is not refilled by the reload; it refills at the new rate.
        Assert.Throws<RateLimitRejectedException>(() => service.Quote());
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(4, service.Quote());
        Assert.Throws<RateLimitRejectedException>(() => service.Quote());

        // ... up to the new burst.
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([5, 6, 7, 8, 9], Enumerable.Range(0, 5).Select(_ => service.Quote()));
        Assert.Throws<RateLimitRejectedException>(() => service.Quote());
        var limiter = _services.GetRequiredService<AspectRuntime>().RateLimiters.GetOrCreate("policy-pricing", 10, 5, RateLimitScope.Local);
        Assert.Equal((10d, 5), (limiter.PermitsPerSecond, limiter.Burst));
    }

    [Fact]
    public async Task Cache_lifetime_comes_from_the_policy_and_a_reload_applies_to_entries_written_afterwards()
    {
        var service = new PolicyServices(_services.GetRequiredService<AspectRuntime>());

        Assert.Equal(1001, await service.GetProductAsync(1).WaitAsync(Bound));
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1001, await service.GetProductAsync(1).WaitAsync(Bound));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1002, await service.GetProductAsync(1).WaitAsync(Bound));

        Reload("Aspects:Cache:products:DurationSeconds", "100");

        // The entry written before the reload keeps its 10 s; the next one lives 100 s.
        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1003, await service.GetProductAsync(1).WaitAsync(Bound));
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1003, await service.GetProductAsync(1).WaitAsync(Bound));
        Assert.Equal(3, service.Loads);
    }

    [Fact]
    public async Task Batch_size_comes_from_the_policy_and_a_reload_applies_to_the_next_batch()
    {
        var service = new PolicyServices(_services.GetRequiredService<AspectRuntime>());

        // MaxBatchSize 2 from configuration: two keys flush at once, the third waits for the 50 ms delay.
        var calls = new[] { 1, 2, 3 }.Select(service.GetStockAsync).ToArray();
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(new[] { 7, 14, 21 }, await Task.WhenAll(calls).WaitAsync(Bound));
        Assert.Equal([1, 2], service.BatchSizes.Order());

        Reload("Aspects:Batching:stock:MaxBatchSize", "3");
        calls = [.. new[] { 4, 5, 6 }.Select(service.GetStockAsync)];
        Assert.Equal(new[] { 28, 35, 42 }, await Task.WhenAll(calls).WaitAsync(Bound));
        Assert.Equal([1, 2, 3], service.BatchSizes.Order());
    }

    [Fact]
    public void A_policy_nobody_configured_uses_the_attribute_and_warns_once()
    {
        var service = new PolicyServices(_services.GetRequiredService<AspectRuntime>());

        Assert.Throws<TimeoutException>(() => service.FetchBalanceWithoutPolicy());
        Assert.Throws<TimeoutException>(() => service.FetchBalanceWithoutPolicy());

        Assert.Equal(3 + 3, service.Attempts);
        var warning = Assert.Single(_logs.Entries, e => e.EventId.Id == 5002);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("'nowhere'", warning.Message);
        Assert.Contains("Aspects:Retry:nowhere", warning.Message);
    }

    [Fact]
    public async Task Saving_appsettings_json_with_reload_on_change_applies_the_new_policy()
    {
        var directory = Directory.CreateTempSubdirectory("aspects-policies-");
        try
        {
            var file = Path.Combine(directory.FullName, "appsettings.json");
            await File.WriteAllTextAsync(file, """{ "Aspects": { "Retry": { "payments": { "MaxAttempts": 4 } } } }""");
            var configuration = new ConfigurationBuilder()
                .SetBasePath(directory.FullName)
                .AddJsonFile("appsettings.json", optional: false, reloadOnChange: true)
                .Build();
            using var services = Services(configuration);
            var service = new PolicyServices(services.GetRequiredService<AspectRuntime>());
            Assert.Throws<TimeoutException>(() => service.FetchBalance());
            Assert.Equal(4, service.Attempts);

            await File.WriteAllTextAsync(file, """{ "Aspects": { "Retry": { "payments": { "MaxAttempts": 6 } } } }""");

            // The file watcher reports the change on its own thread (after a 250 ms debounce): wait for the reload, bounded.
            var deadline = DateTime.UtcNow + Bound;
            while (!_logs.Entries.Any(e => e.EventId.Id == 5003))
            {
                Assert.True(DateTime.UtcNow < deadline, $"The policies were not reloaded within {Bound.TotalSeconds} s of saving {file}.");
                await Task.Delay(20);
            }

            Assert.Throws<TimeoutException>(() => service.FetchBalance());
            Assert.Equal(4 + 6, service.Attempts);
            (configuration as IDisposable)?.Dispose();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Aspects:Retry:payments:MaxAttempts", "abc")]
    [InlineData("Aspects:Retry:payments:Backoff", "Sideways")]
    [InlineData("Aspects:RateLimits:pricing:PermitsPerSecond", "-1")]
    public void An_invalid_reload_keeps_the_previous_policies_and_logs_an_error(string key, string value)
    {
        var service = new PolicyServices(_services.GetRequiredService<AspectRuntime>());

        Reload(key, value);

        Assert.Throws<TimeoutException>(() => service.FetchBalance());
        Assert.Equal(4, service.Attempts);
        Assert.Equal([1, 2, 3], Enumerable.Range(0, 3).Select(_ => service.Quote()));
        var error = Assert.Single(_logs.Entries, e => e.EventId.Id == 5001);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains(key, error.Message);

        // A later good reload is taken.
        Reload(key, null, "Aspects:Retry:payments:MaxAttempts", "5");
        Assert.Throws<TimeoutException>(() => service.FetchBalance());
        Assert.Equal(4 + 5, service.Attempts);
    }

    [Theory]
    [InlineData("Aspects:Retry:payments:MaxAttempts", "0", "must be at least 1")]
    [InlineData("Aspects:Retry:payments:MaxAttempts", "abc", "'abc' is not a whole number")]
    [InlineData("Aspects:Retry:payments:MaxAtempts", "3", "is not a setting of a retry policy; the settings are MaxAttempts,")]
    [InlineData("Aspects:Retry:payments:MaxDelayMilliseconds", "100", "at least DelayMilliseconds (500)")]
    [InlineData("Aspects:Retry:payments:Backoff", "Quadratic", "'Quadratic' is not a backoff; use Constant, Linear or Exponential")]
    [InlineData("Aspects:RateLimits:pricing:Mode", "Sometimes", "'Sometimes' is not a rate-limit mode; use Wait or Reject")]
    [InlineData("Aspects:RateLimits:pricing:PermitsPerSecond", "0", "PermitsPerSecond = 0 is invalid: it is how many calls per second the bucket admits")]
    [InlineData("Aspects:Cache:products:DurationSeconds", "1.5", "is not a whole number")]
    [InlineData("Aspects:Batching:stock:MaxBatchSize", "0", "must be at least 1")]
    [InlineData("Aspects:Batching:stock:ThrowOnMissingKey", "maybe", "is not true or false")]
    public void Start_up_fails_with_a_message_naming_the_bad_key(string key, string value, string why)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Aspects:Retry:payments:DelayMilliseconds"] = "500",
            [key] = value,
        };
        using var services = Services(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<AspectRuntime>());

        var failure = Assert.Single(exception.Failures);
        Assert.Contains(key, failure);
        Assert.Contains(why, failure);
        Assert.Contains(key, exception.Message);
    }

    [Fact]
    public async Task A_host_validates_the_policies_when_it_starts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Aspects:Retry:payments:MaxAttempts"] = "0" });
        builder.Services.AddAspects(aspects => aspects.UseConfiguration(builder.Configuration.GetSection("Aspects")));
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Aspects:Retry:payments:MaxAttempts = 0 is invalid", exception.Message);
    }

    [Fact]
    public async Task A_host_with_valid_policies_starts_with_the_runtime_already_built()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Aspects:Retry:payments:MaxAttempts"] = "5" });
        builder.Services.AddAspects(aspects => aspects.UseConfiguration(builder.Configuration.GetSection("Aspects")));
        using var host = builder.Build();

        await host.StartAsync();
        var service = new PolicyServices(host.Services.GetRequiredService<AspectRuntime>());

        Assert.Throws<TimeoutException>(() => service.FetchBalance());
        Assert.Equal(5, service.Attempts);
        await host.StopAsync();
    }

    [Fact]
    public void Code_registered_policies_join_the_configured_ones()
    {
        using var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .Configure<Aspects.Policies.AspectPolicies>(p => p.Retry["payments"] = new Aspects.Policies.RetryPolicy { MaxAttempts = 7 })
            .AddAspects(aspects => aspects.UseConfiguration(new ConfigurationBuilder().Build()))
            .BuildServiceProvider();
        var service = new PolicyServices(services.GetRequiredService<AspectRuntime>());

        Assert.Throws<TimeoutException>(() => service.FetchBalance());

        Assert.Equal(7, service.Attempts);
    }

    [Fact]
    public void Using_two_configuration_sections_fails_with_a_clear_message()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddAspects(aspects => aspects
            .UseConfiguration(_configuration.GetSection("Aspects"))
            .UseConfiguration(_configuration.GetSection("Other"))));

        Assert.Contains("UseConfiguration was called with two sections ('Aspects' and 'Other')", exception.Message);
    }

    private ServiceProvider Services(IConfiguration configuration) =>
        new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<ILoggerFactory>(_logs)
            .AddAspects(aspects => aspects.UseConfiguration(configuration.GetSection("Aspects")))
            .BuildServiceProvider();

    private void Reload(params string?[] keysAndValues)
    {
        for (var i = 0; i < keysAndValues.Length; i += 2)
        {
            _configuration[keysAndValues[i]!] = keysAndValues[i + 1];
        }

        _configuration.Reload();
    }
}

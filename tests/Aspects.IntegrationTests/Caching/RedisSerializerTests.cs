using System.Text;
using System.Text.Json.Serialization;
using Aspects.Caching;
using Aspects.IntegrationTests.Rig;
using Aspects.Redis.Caching;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.Caching;

/// <summary>The L2 copies go through a source-generated JSON context when one is plugged in (the NativeAOT path).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSerializerTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan BoundedWait = TimeSpan.FromSeconds(15);
    private readonly string _prefix = "ser" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IDisposable> _disposables = [];
    private int _runs;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_source_generated_context_serializes_the_L2_copy_and_another_node_reads_it_back()
    {
        var definition = new CacheDefinition("Aspects.IntegrationTests.Caching.Quotes.Get", new Aspects.Policies.CacheSettings(durationSeconds: 300), []);
        var first = await NodeAsync();
        var second = await NodeAsync();

        var quote = await CallAsync(first, definition, 7);
        Assert.Equal(new Quote("product 7", 7.5m), quote);

        // The context writes snake_case names; HybridCache's reflection-based default would write ProductName.
        var payload = await WaitForL2PayloadAsync(_prefix + ":" + Key(definition)(7));
        Assert.True(payload.Contains("\"product_name\":\"product 7\"", StringComparison.Ordinal), "The L2 payload holds no snake_case JSON: " + payload.Replace("\0", "\\0", StringComparison.Ordinal));
        Assert.DoesNotContain("ProductName", payload, StringComparison.Ordinal);

        Assert.Equal(quote, await CallAsync(second, definition, 7));
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task String_and_byte_array_results_round_trip_through_the_L2_without_reflection_null_included()
    {
        var strings = new CacheDefinition("Aspects.IntegrationTests.Caching.Texts.Get", new Aspects.Policies.CacheSettings(durationSeconds: 300), []);
        var bytes = new CacheDefinition("Aspects.IntegrationTests.Caching.Blobs.Get", new Aspects.Policies.CacheSettings(durationSeconds: 300), []);
        var first = await NodeAsync();
        var second = await NodeAsync();

        Assert.Equal("text 1", await CallAsync<string?>(first, strings, 1, id => $"text {id}"));
        Assert.Null(await CallAsync<string?>(first, strings, 2, _ => null));
        Assert.Equal([1, 2, 3], await CallAsync<byte[]?>(first, bytes, 3, _ => [1, 2, 3]));

        // HybridCache's own serializers write the value after the entry header; null is a flag in the header.
        Assert.Contains("text 1", await WaitForL2PayloadAsync(_prefix + ":" + Key(strings)(1)), StringComparison.Ordinal);
        Assert.Contains("\0ASP", await WaitForL2PayloadAsync(_prefix + ":" + Key(strings)(2)), StringComparison.Ordinal);
        Assert.Contains("\0ASP", await WaitForL2PayloadAsync(_prefix + ":" + Key(bytes)(3)), StringComparison.Ordinal);
        var runs = _runs;

        Assert.Equal("text 1", await CallAsync<string?>(second, strings, 1, _ => "body ran"));
        Assert.Null(await CallAsync<string?>(second, strings, 2, _ => "body ran"));
        Assert.Equal([1, 2, 3], await CallAsync<byte[]?>(second, bytes, 3, _ => [9]));
        Assert.Equal(runs, _runs);
    }

    private async Task<string> WaitForL2PayloadAsync(string key)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        _disposables.Add(connection);
        var deadline = DateTime.UtcNow + BoundedWait;
        while (DateTime.UtcNow < deadline)
        {
            // Microsoft.Extensions.Caching.StackExchangeRedis keeps the value in the hash field "data".
            var data = await connection.GetDatabase().HashGetAsync(key, "data");
            if (data.HasValue)
            {
                // HybridCache frames the serialized value with binary data (which may hold any byte, '{' too).
                return Encoding.UTF8.GetString((byte[])data!);
            }

            await Task.Yield();
        }

        Assert.Fail($"HybridCache did not write {key} to Redis within {BoundedWait.TotalSeconds} s.");
        return string.Empty;
    }

    private static Func<int, string> Key(CacheDefinition definition) => key =>
    {
        var builder = new CacheKeyBuilder(definition.MethodName);
        builder.Append(key);
        return builder.ToString();
    };

    private Task<Quote> CallAsync(AspectRuntime runtime, CacheDefinition definition, int key) =>
        runtime.Cache.Region<int, Quote>(definition).GetOrCreateAsync(
            key, this, Key(definition), static (self, id, _) =>
            {
                Interlocked.Increment(ref self._runs);
                return Task.FromResult(new Quote($"product {id}", id + 0.5m));
            }, CancellationToken.None).WaitAsync(BoundedWait);

    private Task<T> CallAsync<T>(AspectRuntime runtime, CacheDefinition definition, int key, Func<int, T> body) =>
        runtime.Cache.Region<int, T>(definition).GetOrCreateAsync(
            key, (Self: this, Body: body), Key(definition), static (state, id, _) =>
            {
                Interlocked.Increment(ref state.Self._runs);
                return Task.FromResult(state.Body(id));
            }, CancellationToken.None).WaitAsync(BoundedWait);

    private async Task<AspectRuntime> NodeAsync()
    {
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
        configuration.AbortOnConnectFail = false;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _disposables.Add(connection);
        var options = new AspectRuntimeOptions();
        options.Cache.KeyPrefix = _prefix;
        options.Cache.UseRedis(connection, hybridCache: h => h.AddSerializerFactory(new JsonTypeInfoSerializerFactory(QuoteJsonContext.Default)));
        var runtime = new AspectRuntime(options);
        _disposables.Add(runtime.Cache);
        return runtime;
    }
}

/// <summary>A cached value.</summary>
public sealed record Quote(string ProductName, decimal Price);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Quote))]
internal sealed partial class QuoteJsonContext : JsonSerializerContext;

using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspects.Generators.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Generators.Tests;

/// <summary>
/// The result shape's fingerprint in the L2 key name (issue 12 item 3): a build whose cached result type has
/// another serialized shape never reads an entry another build wrote.
/// </summary>
public partial class ResultShapeTests
{
    private const string Service = """
        using System.Threading.Tasks;
        using Aspects;

        namespace Shop;

        public sealed partial class Catalog(AspectRuntime aspects)
        {
            [Cached(DurationSeconds = 60)]
            public partial Task<Price> GetPriceAsync(int id);

            private Task<Price> GetPriceCoreAsync(int id) => Task.FromResult(Prices.Make(id));
        }

        """;

    [Theory]
    [InlineData("public record Price(string Amount);", "public sealed record Price(string Amount) { public override string ToString() => Amount; }")]
    [InlineData("public record Price(string Amount, string Currency);", "public sealed class Price { public string Currency { get; init; } = \"\"; public string Amount { get; init; } = \"\"; }")]
    [InlineData("public record Price(string Amount);", "public record Price(string Amount) { [System.Text.Json.Serialization.JsonIgnore] public int Cents { get; init; } }")]
    [InlineData("public record Price(string Amount);", "public record Price(string? Amount);")]
    public void The_same_shape_gives_the_same_key(string v1, string v2)
    {
        Assert.Equal(KeyNameOf(v1), KeyNameOf(v2));
    }

    [Theory]
    [InlineData("public record Price(string Amount);", "public record Price(decimal Amount, string Currency);")]
    [InlineData("public record Price(string Name);", "public record Price(string Title);")]
    [InlineData("public record Price(string Amount);", "public record Price(decimal Amount);")]
    [InlineData("public record Price(Money Amount); public record Money(decimal Value);", "public record Price(Money Amount); public record Money(double Value);")]
    [InlineData("public record Price(Money[] Amounts); public record Money(decimal Value);", "public record Price(Money[] Amounts); public record Money(decimal Value, string Currency);")]
    [InlineData("public record Price(string Amount);", "public record Price([property: System.Text.Json.Serialization.JsonPropertyName(\"amount\")] string Amount);")]
    [InlineData("public record Price(Unit Unit); public enum Unit { Piece, Kilo }", "public record Price(Unit Unit); public enum Unit { Piece, Kilogram }")]
    public void Another_shape_gives_another_key(string v1, string v2)
    {
        Assert.NotEqual(KeyNameOf(v1), KeyNameOf(v2));
    }

    [Fact]
    public void A_recursive_result_type_has_a_fingerprint()
    {
        Assert.Matches("^Shop.Catalog.GetPriceAsync@[0-9a-f]{16}$", KeyNameOf("public record Price(string Amount, Price? Previous);"));
    }

    [Fact]
    public async Task A_v2_build_with_a_renamed_member_never_reads_the_entry_v1_wrote()
    {
        var l2 = new JsonHybridCache();
        var v1 = Build("public record Price(string Name);", "new Price(\"v1 \" + id)");
        var v2 = Build("public record Price(string Title);", "new Price(\"v2 \" + id)");

        Assert.Equal("v1 7", await GetAsync(v1, l2, "Name"));
        Assert.Single(EntryKeys(l2));

        // Sharing v1's key, v2 would be served v1's JSON as Price { Title = null }.
        Assert.Equal("v2 7", await GetAsync(v2, l2, "Title"));
        Assert.Equal(2, EntryKeys(l2).Count);
        Assert.Equal("v1 7", await GetAsync(v1, l2, "Name"));
    }

    // The entries, not the eviction records a load reads beside them ("{prefix}:!evicted:…", "{prefix}:!tag:…").
    private static List<string> EntryKeys(JsonHybridCache l2) => [.. l2.Keys.Where(key => !key.Contains(":!", StringComparison.Ordinal))];

    private static string KeyNameOf(string priceSource)
    {
        var run = GeneratorHarness.Run(Service + priceSource + " public static class Prices { public static Price Make(int id) => default!; }").ShouldCompileCleanly();
        var source = run.Sources.Single(s => s.HintName.Contains("GetPriceAsync", StringComparison.Ordinal)).SourceText.ToString();
        var match = ShapeArgument().Match(source);
        Assert.True(match.Success, "No result shape in the definition:\n" + source);
        return "Shop.Catalog.GetPriceAsync@" + match.Groups[1].Value;
    }

    private static Assembly Build(string priceSource, string make)
    {
        var run = GeneratorHarness.Run(Service + priceSource + " public static class Prices { public static Price Make(int id) => " + make + "; }").ShouldCompileCleanly();
        using var image = new MemoryStream();
        var emitted = run.Output.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        return Assembly.Load(image.ToArray());
    }

    /// <summary>Calls GetPriceAsync(7) of one build on a fresh runtime (a fresh node) over the shared L2.</summary>
    private static async Task<string?> GetAsync(Assembly build, HybridCache l2, string member)
    {
        var runtime = new AspectRuntime(new AspectRuntimeOptions { Cache = { DistributedCache = l2 } });
        var catalog = Activator.CreateInstance(build.GetType("Shop.Catalog")!, runtime)!;
        var task = (Task)catalog.GetType().GetMethod("GetPriceAsync")!.Invoke(catalog, [7])!;
        await task.WaitAsync(TimeSpan.FromSeconds(10));
        var price = task.GetType().GetProperty("Result")!.GetValue(task)!;
        return (string?)price.GetType().GetProperty(member)!.GetValue(price);
    }

    [GeneratedRegex("__aspectsCache_GetPriceAsync = new\\(\\s*\"Shop.Catalog.GetPriceAsync\",\\s*\"([0-9a-f]{16})\"")]
    private static partial Regex ShapeArgument();

    /// <summary>An L2 that keeps JSON, like a Redis-backed HybridCache: another build reads whatever deserializes.</summary>
    private sealed class JsonHybridCache : HybridCache
    {
        private readonly ConcurrentDictionary<string, string> _entries = new();

        public ICollection<string> Keys => _entries.Keys;

        public override async ValueTask<T> GetOrCreateAsync<TState, T>(
            string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
            HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
        {
            if (_entries.TryGetValue(key, out var json))
            {
                return JsonSerializer.Deserialize<T>(json)!;
            }

            var value = await factory(state, cancellationToken);
            _entries[key] = JsonSerializer.Serialize(value);
            return value;
        }

        public override ValueTask SetAsync<T>(
            string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
        {
            _entries[key] = JsonSerializer.Serialize(value);
            return ValueTask.CompletedTask;
        }

        public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
        {
            _entries.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }

        public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}

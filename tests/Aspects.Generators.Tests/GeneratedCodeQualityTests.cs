using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Tests;

/// <summary>Generated code compiles warning-free whatever the user's project looks like.</summary>
public class GeneratedCodeQualityTests
{
    private const string Service = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Shop
        {
            public partial class CatalogService
            {
                private readonly AspectRuntime _runtime = new AspectRuntime();

                [Retry]
                public partial Task<string> GetNameAsync(int id, string culture, CancellationToken ct = default);
                private Task<string> GetNameCoreAsync(int id, string culture, CancellationToken ct) => Task.FromResult(culture);

                [Retry(Handle = new[] { typeof(TimeoutException) })]
                public partial ValueTask SaveAsync(string name);
                private ValueTask SaveCoreAsync(string name) => default;

                [Retry]
                public partial string Describe(object value);
                private string DescribeCore(object value) => value.ToString() ?? "";
            }
        }
        """;

    [Theory]
    [InlineData(NullableContextOptions.Enable)]
    [InlineData(NullableContextOptions.Disable)]
    [InlineData(NullableContextOptions.Warnings)]
    [InlineData(NullableContextOptions.Annotations)]
    public void Generated_code_is_warning_free_in_every_nullable_context(NullableContextOptions nullable)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(nullable, Service));

        run.ShouldCompileCleanly();
        Assert.Equal(3, run.Sources.Count);
    }

    /// <summary>A representative wrapper of every aspect and of the compositions, in one service.</summary>
    private const string EveryAspect = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Shop
        {
            public enum Currency { Eur, Usd }

            public sealed partial class CatalogService(AspectRuntime aspects)
            {
                [Retry(MaxAttempts = 4, Handle = [typeof(TimeoutException)], Backoff = RetryBackoff.Linear)]
                public partial void Touch(string key);
                private void TouchCore(string key) { }

                [RateLimited(Name = "pricing", PermitsPerSecond = 50, Burst = 10)]
                public partial Task<decimal> GetPriceAsync(string sku, CancellationToken ct = default);
                private Task<decimal> GetPriceCoreAsync(string sku, CancellationToken ct) => Task.FromResult(1m);

                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial int Count(string? filter);
                private int CountCore(string? filter) => filter?.Length ?? 0;

                [RateLimited(PermitsPerSecond = 5), Retry]
                public partial ValueTask PingAsync();
                private ValueTask PingCoreAsync() => default;

                [Batched(MaxBatchSize = 64), Retry]
                public partial Task<string?> GetNameAsync(int id, CancellationToken ct = default);
                private Task<IReadOnlyDictionary<int, string?>> GetNameCoreAsync(IReadOnlyList<int> ids, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyDictionary<int, string?>>(new Dictionary<int, string?>());

                [Batched(ThrowOnMissingKey = true)]
                public partial ValueTask<int> GetStockAsync(Guid id);
                private ValueTask<IReadOnlyList<int>> GetStockCoreAsync(IReadOnlyList<Guid> ids) => new((IReadOnlyList<int>)[]);

                [Cached(DurationSeconds = 300, Tags = ["products"]), Retry, RateLimited(PermitsPerSecond = 10)]
                public partial Task<string?> GetProductAsync(int id, string? culture, Currency currency, [NotCacheKey] object? trace = null, CancellationToken ct = default);
                private Task<string?> GetProductCoreAsync(int id, string? culture, Currency currency, object? trace, CancellationToken ct) =>
                    Task.FromResult<string?>(aspects.ToString());

                [Cached]
                public partial ValueTask<IReadOnlyList<string>> ListAsync(string? prefix);
                private ValueTask<IReadOnlyList<string>> ListCoreAsync(string? prefix) => new((IReadOnlyList<string>)[]);

                [InvalidatesCache(nameof(GetProductAsync)), InvalidatesCache(nameof(ListAsync)), Retry]
                public partial Task SetPriceAsync(int id, string? culture, Currency currency, string? prefix, decimal price, CancellationToken ct = default);
                private Task SetPriceCoreAsync(int id, string? culture, Currency currency, string? prefix, decimal price, CancellationToken ct) => Task.CompletedTask;

                [InvalidatesCache(nameof(ListAsync))]
                public partial void Forget(string? prefix);
                private void ForgetCore(string? prefix) { }
            }
        }
        """;

    [Theory]
    [InlineData(NullableContextOptions.Enable)]
    [InlineData(NullableContextOptions.Disable)]
    public void Wrappers_of_every_aspect_compile_warning_free_at_warning_level_9999(NullableContextOptions nullable)
    {
        // A project without nullable annotations writes no '?' on reference types (CS8632 in user code otherwise).
        var source = nullable == NullableContextOptions.Enable ? EveryAspect : EveryAspect.Replace("string?", "string").Replace("object?", "object");
        var compilation = GeneratorHarness.Compile(nullable, source);
        var run = GeneratorHarness.Run(compilation);

        Assert.Equal(9999, compilation.Options.WarningLevel);
        run.ShouldCompileCleanly();
        Assert.Equal(10, run.Sources.Count);
    }

    [Fact]
    public void User_types_named_like_ours_do_not_capture_generated_names()
    {
        // Every name in generated code is global::-qualified, so these shadowing types change nothing.
        var run = GeneratorHarness.Run("""
            namespace Shop
            {
                public class Task { }
                public class ValueTask { }
                public class Exception { }
                public class TimeSpan { }
                public class CancellationToken { }
                public class AspectRuntime { }
                public class RetryBackoff { }
                public class Threading { }
                public class System { }

                public partial class CatalogService
                {
                    private readonly global::Aspects.AspectRuntime _runtime = new global::Aspects.AspectRuntime();

                    [global::Aspects.Retry]
                    public partial global::System.Threading.Tasks.Task<string> GetNameAsync(int id, global::System.Threading.CancellationToken ct = default);
                    private global::System.Threading.Tasks.Task<string> GetNameCoreAsync(int id, global::System.Threading.CancellationToken ct) =>
                        global::System.Threading.Tasks.Task.FromResult("x");

                    [global::Aspects.Retry(Handle = new[] { typeof(global::System.TimeoutException) })]
                    public partial global::System.Threading.Tasks.ValueTask SaveAsync(string name);
                    private global::System.Threading.Tasks.ValueTask SaveCoreAsync(string name) => default;
                }
            }
            """);

        run.ShouldCompileCleanly();
        Assert.Equal(2, run.Sources.Count);
    }

    /// <summary>Obsolete types in every place a wrapper repeats them: parameters, results, keys, batch values.</summary>
    private const string ObsoleteTypes = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Shop
        {
            [Obsolete]
            public enum LegacyRegion { North, South }

            [Obsolete("Use Money.")]
            public sealed class LegacyPrice { }

        #pragma warning disable CS0612, CS0618 // the user silenced their own uses
            public sealed partial class LegacyService(AspectRuntime aspects)
            {
                [Retry]
                public partial Task<LegacyPrice> GetPriceAsync(LegacyPrice previous, CancellationToken ct = default);
                private Task<LegacyPrice> GetPriceCoreAsync(LegacyPrice previous, CancellationToken ct) => Task.FromResult(previous);

                [Cached, Retry, RateLimited(PermitsPerSecond = 5)]
                public partial Task<string> DescribeAsync(LegacyRegion region);
                private Task<string> DescribeCoreAsync(LegacyRegion region) => Task.FromResult(aspects.ToString() ?? "");

                [InvalidatesCache(nameof(DescribeAsync))]
                public partial void Forget(LegacyRegion region);
                private void ForgetCore(LegacyRegion region) { }

                [Batched, Retry]
                public partial Task<LegacyPrice> GetManyAsync(int id, CancellationToken ct = default);
                private Task<IReadOnlyDictionary<int, LegacyPrice>> GetManyCoreAsync(IReadOnlyList<int> ids, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyDictionary<int, LegacyPrice>>(new Dictionary<int, LegacyPrice>());

                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial LegacyRegion Locate(LegacyPrice price);
                private LegacyRegion LocateCore(LegacyPrice price) => LegacyRegion.North;
            }
        #pragma warning restore CS0612, CS0618
        }
        """;

    [Fact]
    public void Obsolete_types_the_user_silenced_do_not_warn_in_generated_code()
    {
        var compilation = GeneratorHarness.Compile(ObsoleteTypes);
        var run = GeneratorHarness.Run(compilation);

        // The user's own code is clean, so every warning would be the generator's.
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS8795"));
        run.ShouldCompileCleanly();
        Assert.Equal(5, run.Sources.Count);
        Assert.All(run.Sources, source => Assert.Contains("#pragma warning disable CS0612, CS0618", source.SourceText.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Generated_code_names_the_generator_version_that_wrote_it()
    {
        var version = typeof(AspectsGenerator).Assembly.GetName().Version!.ToString();
        var run = GeneratorHarness.Run(Service);

        Assert.All(run.Sources, source => Assert.Contains(
            "[global::System.CodeDom.Compiler.GeneratedCode(\"Aspects.Generators\", \"" + version + "\")]", source.SourceText.ToString(), StringComparison.Ordinal));
    }
}
